import { ApiKeyStore } from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';

export const DEFAULT_PROJECT = 'default';

/**
 * Makes sure the default project exists and can be written to. Returns a key to print only when one was
 * created now or given by configuration; a key generated earlier is never recoverable (only its hash is kept).
 */
export async function bootstrapKeys(keys: ApiKeyStore, config: DriftwatchConfig): Promise<string | null> {
  await keys.ensureProject(DEFAULT_PROJECT, 'Default project');
  for (const { projectId, key } of config.bootstrapApiKeys) {
    await keys.ensureProject(projectId, projectId);
    if ((await keys.projectFor(key)) !== projectId) await keys.addKey(projectId, key, 'bootstrap');
  }
  if (config.bootstrapApiKey) {
    if ((await keys.projectFor(config.bootstrapApiKey)) !== DEFAULT_PROJECT) {
      await keys.addKey(DEFAULT_PROJECT, config.bootstrapApiKey, 'bootstrap');
    }
    return config.bootstrapApiKey;
  }
  if ((await keys.countKeys(DEFAULT_PROJECT)) > 0) return null;
  const key = ApiKeyStore.generateKey();
  await keys.addKey(DEFAULT_PROJECT, key, 'first key');
  return key;
}
