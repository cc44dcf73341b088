import { ApiKeyStore, apiKeyPrefix } from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';

export const DEFAULT_PROJECT = 'default';

/** What the banner may say about the default project's key: the key itself only when it was generated now. */
export type BootstrapKey =
  { kind: 'generated'; key: string } | { kind: 'configured'; prefix: string } | { kind: 'existing' };

/**
 * Makes sure the default project exists and can be written to. A key given by configuration is never echoed
 * (it would land in every process's logs); a key generated earlier is never recoverable (only its hash is kept).
 */
export async function bootstrapKeys(keys: ApiKeyStore, config: DriftwatchConfig): Promise<BootstrapKey> {
  await keys.ensureProject(DEFAULT_PROJECT, 'Default project');
  for (const { projectId, key } of config.bootstrapApiKeys) {
    await keys.ensureProject(projectId, projectId);
    if ((await keys.projectFor(key)) !== projectId) await keys.addKey(projectId, key, 'bootstrap');
  }
  if (config.bootstrapApiKey) {
    if ((await keys.projectFor(config.bootstrapApiKey)) !== DEFAULT_PROJECT) {
      await keys.addKey(DEFAULT_PROJECT, config.bootstrapApiKey, 'bootstrap');
    }
    return { kind: 'configured', prefix: apiKeyPrefix(config.bootstrapApiKey) };
  }
  if ((await keys.countKeys(DEFAULT_PROJECT)) > 0) return { kind: 'existing' };
  const key = ApiKeyStore.generateKey();
  await keys.addKey(DEFAULT_PROJECT, key, 'first key');
  return { kind: 'generated', key };
}
