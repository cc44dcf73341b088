// Embeds CLINC150 splits with libs/embedder-local and caches the vectors under ~/.cache/driftwatch/eval/, keyed by
// the model file's sha256 and the texts' sha256, so reruns skip the minutes of embedding.
//   node bench/topics/vectors.mjs [--data DIR]   (warms the cache for every split the evaluation uses)

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '../..');
const DIMENSIONS = 384;

/** Bundles a TypeScript entry (packages stay external) under node_modules/.cache and imports it. */
export async function importTs(entry, name) {
  const outfile = join(root, `node_modules/.cache/driftwatch-bench/${name}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/**
 * Vectors for each list of texts (one Float32Array of n*384 per list), from the cache when present; the rest is
 * embedded in one model session. `log` receives progress lines.
 */
export async function embedCached(lists, log = () => {}) {
  const modelDir = execFileSync('bash', [join(root, 'scripts/models/fetch-minilm.sh')], {
    encoding: 'utf8',
  }).trim();
  const modelHash = sha256(readFileSync(join(modelDir, 'model.onnx'))).slice(0, 16);
  const cacheDir = join(process.env.DRIFTWATCH_CACHE ?? join(os.homedir(), '.cache/driftwatch'), 'eval');
  mkdirSync(cacheDir, { recursive: true });
  const files = lists.map((texts) =>
    join(cacheDir, `minilm-${modelHash}-${sha256(texts.join('\n')).slice(0, 16)}.f32`),
  );
  const out = lists.map((texts, i) => {
    if (!existsSync(files[i])) return null;
    const buf = readFileSync(files[i]);
    const v = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    return v.length === texts.length * DIMENSIONS ? v : null;
  });
  if (out.every(Boolean)) return out;
  const { LocalEmbedder } = await importTs('libs/embedder-local/src/index.ts', 'embedder-local');
  const embedder = new LocalEmbedder({ modelDir, batchSize: 32, threads: 1 });
  await embedder.start();
  try {
    for (let i = 0; i < lists.length; i++) {
      if (out[i]) continue;
      const texts = lists[i];
      const v = new Float32Array(texts.length * DIMENSIONS);
      const t0 = Date.now();
      for (let s = 0; s < texts.length; s += 256) {
        const { vectors } = await embedder.embed(texts.slice(s, s + 256));
        vectors.forEach((vec, k) => v.set(vec, (s + k) * DIMENSIONS));
        log(
          `embedded ${Math.min(s + 256, texts.length)}/${texts.length} (${Math.round((Date.now() - t0) / 1000)} s)`,
        );
      }
      writeFileSync(`${files[i]}.tmp`, Buffer.from(v.buffer));
      renameSync(`${files[i]}.tmp`, files[i]);
      out[i] = v;
    }
  } finally {
    await embedder.shutdown({ atMs: Date.now() + 5000 });
  }
  return out;
}

/** CLINC150 splits the evaluation uses: texts and intent labels. */
export function loadClinc(dataDir) {
  const full = JSON.parse(readFileSync(join(dataDir, 'data_full.json'), 'utf8'));
  const domains = JSON.parse(readFileSync(join(dataDir, 'domains.json'), 'utf8'));
  const domainOf = new Map(Object.entries(domains).flatMap(([d, intents]) => intents.map((i) => [i, d])));
  const split = (name) => ({ texts: full[name].map(([t]) => t), intents: full[name].map(([, i]) => i) });
  return {
    test: split('test'),
    train: split('train'),
    oosTest: split('oos_test'),
    domainOf,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dataDir = process.argv[2] === '--data' ? process.argv[3] : join(root, '../shared/data/clinc150');
  const d = loadClinc(dataDir);
  await embedCached([d.test.texts, d.oosTest.texts, d.train.texts], (l) => console.error(l));
  console.error('cached');
}
