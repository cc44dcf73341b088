import { Admin } from '@platformatic/kafka';
import type { ResolvedOptions } from './options.js';

/** Creates the span topic and its dead-letter topic if missing; an existing topic is left unchanged. */
export async function ensureTopics(options: ResolvedOptions): Promise<void> {
  const admin = new Admin({
    clientId: `${options.clientId}-admin`,
    bootstrapBrokers: options.bootstrapBrokers,
    connectTimeout: options.connectTimeoutMs,
    retries: 1,
    retryDelay: 200,
  });
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [options.topic, options.dlqTopic].filter((t) => !existing.has(t));
    for (const topic of wanted) {
      try {
        await admin.createTopics({
          topics: [topic],
          partitions: options.partitions,
          replicas: options.replicationFactor,
        });
      } catch (error) {
        if (!alreadyExists(error)) throw error;
      }
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function alreadyExists(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { apiId?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (e.apiId === 'TOPIC_ALREADY_EXISTS' || String(e.message).includes('already exists')) return true;
  const nested = Array.isArray(e.errors) ? e.errors : [];
  return [...nested, e.cause].some((inner) => alreadyExists(inner, depth + 1));
}
