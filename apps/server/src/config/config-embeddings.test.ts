import { describe, expect, it } from 'vitest';
import { loadConfig as load } from './config.js';

const loadConfig = (vars: Record<string, string>) => load(vars as NodeJS.ProcessEnv);

describe('embedding mode', () => {
  it('is off in the one-process mode unless asked for, local for processes given their roles, remote with a URL', () => {
    expect(loadConfig({}).embeddings.mode).toBe('off');
    expect(loadConfig({ DRIFTWATCH_EMBEDDINGS: 'local' }).embeddings.mode).toBe('local');
    expect(loadConfig({ DRIFTWATCH_ROLES: 'ingest,writer,api,embedder' }).embeddings.mode).toBe('local');
    const remote = loadConfig({
      DRIFTWATCH_EMBEDDINGS_URL: 'http://127.0.0.1:9/v1',
      DRIFTWATCH_EMBEDDINGS_MODEL: 'm',
      DRIFTWATCH_EMBEDDINGS_DIMENSIONS: '384',
    });
    expect(remote.embeddings.mode).toBe('remote');
  });
});
