import type { ApiKeyStore, ProjectStore } from '@driftwatch/contracts';
import { apiKeyPrefix, generateApiKey } from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';

export const DEFAULT_PROJECT = 'default';

/** What the banner may say about the default project's key: the key itself only when it was generated now. */
export type BootstrapKey =
  { kind: 'generated'; key: string } | { kind: 'configured'; prefix: string } | { kind: 'existing' };

/**
 * Makes sure the default project exists and can be written to. A key given by configuration is never echoed
 * (it would land in every process's logs); a key generated earlier is never recoverable (only its hash is kept).
 */
export async function bootstrapKeys(
  { keys, projects }: { keys: ApiKeyStore; projects: ProjectStore },
  config: DriftwatchConfig,
): Promise<BootstrapKey> {
  await projects.ensureProject(DEFAULT_PROJECT, 'Default project');
  for (const { projectId, key } of config.bootstrapApiKeys) {
    await projects.ensureProject(projectId, projectId);
    if ((await keys.projectFor(key)) !== projectId) await keys.addKey(projectId, key, 'bootstrap');
  }
  if (config.bootstrapApiKey) {
    if ((await keys.projectFor(config.bootstrapApiKey)) !== DEFAULT_PROJECT) {
      await keys.addKey(DEFAULT_PROJECT, config.bootstrapApiKey, 'bootstrap');
    }
    return { kind: 'configured', prefix: apiKeyPrefix(config.bootstrapApiKey) };
  }
  if ((await keys.countKeys(DEFAULT_PROJECT)) > 0) return { kind: 'existing' };
  const key = generateApiKey();
  await keys.addKey(DEFAULT_PROJECT, key, 'first key');
  return { kind: 'generated', key };
}
