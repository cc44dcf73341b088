// Request vectors for the baselines, embedded in the harness with libs/embedder-local (the server's model and the
// text it embeds: the user's message) and cached per text in ~/.cache/driftwatch/eval/, so only new texts are
// embedded on a rerun. There is no API that returns stored vectors; /similar returns distances only.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importTs, root } from '../topics/vectors.mjs';

const DIMENSIONS = 384;
const KEY_BYTES = 16;
const RECORD = KEY_BYTES + DIMENSIONS * 4;

const keyOf = (text) => createHash('sha256').update(text).digest().subarray(0, KEY_BYTES).toString('hex');

/** The local model's directory (fetched and pinned by scripts/models/fetch-minilm.sh). */
export function modelDir() {
  return execFileSync('bash', [join(root, 'scripts/models/fetch-minilm.sh')], { encoding: 'utf8' }).trim();
}

/** Map text -> unit vector (Float32Array of 384) for every text, from the cache or embedded now. */
export async function vectorsFor(texts, log = () => {}) {
  const dir = modelDir();
  const modelHash = createHash('sha256')
    .update(readFileSync(join(dir, 'model.onnx')))
    .digest('hex')
    .slice(0, 16);
  const cacheDir = join(process.env.DRIFTWATCH_CACHE ?? join(os.homedir(), '.cache/driftwatch'), 'eval');
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `texts-minilm-${modelHash}.bin`);
  const cached = new Map();
  if (existsSync(file)) {
    const buf = readFileSync(file);
    for (let at = 0; at + RECORD <= buf.length; at += RECORD) {
      const vector = new Float32Array(
        buf.buffer.slice(buf.byteOffset + at + KEY_BYTES, buf.byteOffset + at + RECORD),
      );
      cached.set(buf.subarray(at, at + KEY_BYTES).toString('hex'), vector);
    }
  }
  const unique = [...new Set(texts)];
  const missing = unique.filter((t) => !cached.has(keyOf(t)));
  if (missing.length > 0) {
    log(`embedding ${missing.length} texts in the harness (${unique.length - missing.length} cached)`);
    const { LocalEmbedder } = await importTs('libs/embedder-local/src/index.ts', 'embedder-local');
    const embedder = new LocalEmbedder({ modelDir: dir, batchSize: 32, threads: 1 });
    await embedder.start();
    const t0 = Date.now();
    try {
      for (let s = 0; s < missing.length; s += 256) {
        const chunk = missing.slice(s, s + 256);
        const { vectors } = await embedder.embed(chunk);
        const records = Buffer.alloc(RECORD * chunk.length);
        chunk.forEach((text, i) => {
          const vector = Float32Array.from(vectors[i]);
          cached.set(keyOf(text), vector);
          Buffer.from(keyOf(text), 'hex').copy(records, i * RECORD);
          Buffer.from(vector.buffer).copy(records, i * RECORD + KEY_BYTES);
        });
        appendFileSync(file, records);
        log(`embedded ${s + chunk.length}/${missing.length} (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
    } finally {
      await embedder.shutdown({ atMs: Date.now() + 5000 });
    }
  }
  return new Map(unique.map((t) => [t, cached.get(keyOf(t))]));
}
