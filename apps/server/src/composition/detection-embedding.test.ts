import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadlineIn } from '@driftwatch/contracts';
import { createEmbeddedClickHouse } from '@driftwatch/store-clickhouse';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createEmbedding } from './embedding.js';

const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-detect-embed-')));

function config(roles: string) {
  const env: Record<string, string> = {
    DRIFTWATCH_ROLES: roles,
    DRIFTWATCH_QUEUE: 'kafka',
    DRIFTWATCH_EMBEDDINGS: 'local',
    DRIFTWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'driftwatch-detect-embed-data-')),
    // No model here: a process that needs the model cannot start its embedder.
    DRIFTWATCH_EMBEDDING_MODEL_DIR: join(tmpdir(), 'no-such-model-dir'),
    DRIFTWATCH_DATABASE: 'detect_embedding',
  };
  return loadConfig(env as NodeJS.ProcessEnv);
}

describe('the vector index of a detector-only process', () => {
  it('starts without the embedding model, which such a process never uses', async () => {
    const log: string[] = [];
    const detector = await createEmbedding(
      config('detector'),
      () => client,
      client,
      (m) => log.push(m),
    );
    expect(detector.index).not.toBeNull();
    expect(await detector.check()).toMatchObject({ ready: true, index: 'clickhouse' });
    await expect(detector.embedder?.embed(['x'])).rejects.toThrow(/does not embed/);
    await detector.shutdown(deadlineIn(5_000));

    // The api role embeds queries (similar calls), so it needs the model: without it, no index either.
    const api = await createEmbedding(
      config('api'),
      () => client,
      client,
      (m) => log.push(m),
    );
    expect(api.index).toBeNull();
    await api.shutdown(deadlineIn(5_000));
  });
});
