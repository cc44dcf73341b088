import { describe, expect, it } from 'vitest';
import { loadConfig as load } from './config.js';

const loadConfig = (vars: Record<string, string>) => load(vars as NodeJS.ProcessEnv);

describe('embedding mode', () => {
  it('is local unless turned off or given an embedding URL (remote), in one process and per role alike', () => {
    expect(loadConfig({}).embeddings.mode).toBe('local');
    expect(loadConfig({ DRIFTWATCH_EMBEDDINGS: 'off' }).embeddings.mode).toBe('off');
    expect(loadConfig({ DRIFTWATCH_EMBEDDINGS: 'local' }).embeddings.mode).toBe('local');
    expect(loadConfig({ DRIFTWATCH_ROLES: 'ingest,writer,api,embedder' }).embeddings.mode).toBe('local');
    const remote = loadConfig({
      DRIFTWATCH_EMBEDDINGS_URL: 'http://127.0.0.1:9/v1',
      DRIFTWATCH_EMBEDDINGS_MODEL: 'm',
      DRIFTWATCH_EMBEDDINGS_DIMENSIONS: '384',
    });
    expect(remote.embeddings.mode).toBe('remote');
  });

  it('runs the local model at the lowest CPU priority unless told otherwise, and refuses a nice value out of range', () => {
    expect(loadConfig({}).embeddings.nice).toBe(19);
    expect(loadConfig({ DRIFTWATCH_EMBEDDING_NICE: '5' }).embeddings.nice).toBe(5);
    expect(() => loadConfig({ DRIFTWATCH_EMBEDDING_NICE: '20' })).toThrow(/DRIFTWATCH_EMBEDDING_NICE/);
    expect(() => loadConfig({ DRIFTWATCH_EMBEDDING_NICE: '-1' })).toThrow(/DRIFTWATCH_EMBEDDING_NICE/);
  });
});
