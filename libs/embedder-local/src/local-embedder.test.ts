import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { embedderContract } from '@driftwatch/contract-tests';
import { deadlineIn, PermanentError } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from './local-embedder.js';
import { defaultModelDir } from './model-files.js';

// The project's own install step: fetches the pinned model into the cache once, then only checks the sha256.
const fetchScript = fileURLToPath(new URL('../../../scripts/models/fetch-minilm.sh', import.meta.url));
const modelDir = execFileSync('bash', [fetchScript], { encoding: 'utf8', timeout: 300_000 }).trim();

embedderContract('local all-MiniLM-L6-v2', { semantic: true }, async () => new LocalEmbedder({ modelDir }));

describe('LocalEmbedder', () => {
  it('finds the model where the fetch script puts it, for each source', () => {
    expect(defaultModelDir({ DRIFTWATCH_CACHE: '/c', DRIFTWATCH_EMBEDDING_MODEL_DIR: '/m' })).toBe('/m');
    expect(defaultModelDir({ DRIFTWATCH_CACHE: '/c' })).toBe('/c/models/all-MiniLM-L6-v2');
    expect(defaultModelDir({ DRIFTWATCH_CACHE: '/c', DRIFTWATCH_EMBEDDING_MODEL_SOURCE: 'hf' })).toBe(
      '/c/models/all-MiniLM-L6-v2-hf',
    );
    expect(execFileSync('bash', [fetchScript], { encoding: 'utf8' }).trim()).toBe(
      defaultModelDir(process.env),
    );
  });

  it('says how to get the model when its files are missing', async () => {
    const embedder = new LocalEmbedder({ modelDir: '/nonexistent/model' });
    const started = embedder.start();
    await expect(started).rejects.toBeInstanceOf(PermanentError);
    await expect(started).rejects.toThrow(/fetch-minilm\.sh/);
    await embedder.shutdown(deadlineIn(1000));
  });

  it('cuts at 256 word pieces: text past the window does not change the vector', async () => {
    const embedder = new LocalEmbedder({ modelDir, batchSize: 4 });
    await embedder.start();
    // "alpha" is one word piece; [CLS] + 254 + [SEP] fits exactly, one more word is cut.
    const fits = Array.from({ length: 254 }, () => 'alpha').join(' ');
    const { vectors, truncated } = await embedder.embed([fits, `${fits} alpha`, `${fits} omega omega omega`]);
    await embedder.shutdown(deadlineIn(5000));
    expect(truncated).toEqual([1, 2]);
    const same = (a: Float32Array, b: Float32Array) =>
      a.every((v, i) => Math.abs(v - (b[i] as number)) < 1e-5);
    expect(same(vectors[1]!, vectors[2]!)).toBe(true);
  });
});
