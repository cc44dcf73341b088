import { createHash } from 'node:crypto';
import type { AlertMessage, Dataset, DatasetVersion } from '@driftwatch/contracts';
import type { Alerts } from '../composition/alerts.js';

/** Stable per (dataset, version, destination): a resend carries the same webhook-id, so receivers drop repeats. */
function versionNotificationId(datasetId: string, version: number, destinationId: string): string {
  const text = ['dataset.version.created', datasetId, version, destinationId].join('\n');
  return `msg_${createHash('sha256').update(text).digest('base64url').slice(0, 27)}`;
}

/**
 * A signed "dataset.version.created" webhook to each enabled webhook destination of the project, through the
 * alerts outbox (recorded before it is sent, retried, signed as Standard Webhooks), so a retraining pipeline can
 * start on its own. The figures carry the dataset id, version and item count; the link is the OpenAI export.
 * Returns how many were queued (0 without destinations, or without a secret key to read them).
 */
export async function notifyVersionCreated(
  alerts: Pick<Alerts, 'destinations' | 'outbox' | 'wake'>,
  dataset: Dataset,
  version: DatasetVersion,
  baseUrl: string | null,
): Promise<number> {
  if (!alerts.destinations) return 0;
  const hooks = (await alerts.destinations.list(dataset.projectId)).filter(
    (d) => d.kind === 'webhook' && d.enabled,
  );
  const exportPath = `/api/datasets/${dataset.datasetId}/versions/${version.version}/export?format=openai`;
  const message: AlertMessage = {
    type: 'dataset.version.created',
    title: `Dataset "${dataset.name}" version ${version.version}`,
    severity: 'info',
    summary: `${version.itemCount} items from ${version.source.queueIds.length} review queue(s)`,
    figures: [
      { label: 'datasetId', value: dataset.datasetId },
      { label: 'version', value: String(version.version) },
      { label: 'items', value: String(version.itemCount) },
    ],
    link: baseUrl ? `${baseUrl.replace(/\/$/, '')}${exportPath}` : exportPath,
    occurredAt: version.createdAt,
  };
  for (const hook of hooks)
    await alerts.outbox.enqueue({
      notificationId: versionNotificationId(dataset.datasetId, version.version, hook.destinationId),
      projectId: dataset.projectId,
      destinationId: hook.destinationId,
      message,
      createdAt: version.createdAt,
    });
  if (hooks.length > 0) alerts.wake();
  return hooks.length;
}
