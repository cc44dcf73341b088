#!/usr/bin/env node
// Local embedding throughput: all-MiniLM-L6-v2 (int8) through libs/embedder-local on 1,000 sentences (CLINC150's
// test split, read from ../shared/data when present). Prints texts/s (wall and per CPU-second) and peak RSS.
// It prints figures; it asserts nothing. See bench/embeddings/README.md.
//   node bench/embeddings/local.mjs [--count 1000] [--batch 8] [--threads 1] [--data path/to/data_full.json]

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const { values: opt } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '8' },
    threads: { type: 'string', default: '1' },
    data: { type: 'string', default: join(root, '../shared/data/clinc150/data_full.json') },
  },
});
const count = Number(opt.count);
const batch = Number(opt.batch);

function sentences() {
  if (existsSync(opt.data)) {
    const test = JSON.parse(readFileSync(opt.data, 'utf8')).test;
    return { source: `${opt.data} (test split)`, texts: test.slice(0, count).map(([text]) => text) };
  }
  // No dataset on this machine: short generated questions of similar length (about 8 words).
  const words = 'how what when can my the a to is for of do i you order card account flight weather'.split(
    ' ',
  );
  const texts = Array.from({ length: count }, (_, i) =>
    Array.from({ length: 6 + (i % 5) }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' '),
  );
  return { source: 'generated sentences (dataset not found)', texts };
}

// The adapter is TypeScript: bundle it (packages stay external) and import the bundle, written under
// node_modules/.cache so its imports resolve against the repository's node_modules.
const bundle = join(root, 'node_modules/.cache/driftwatch-bench/embedder-local.mjs');
await build({
  entryPoints: [join(root, 'libs/embedder-local/src/index.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
const { LocalEmbedder } = await import(pathToFileURL(bundle).href);

const modelDir = execFileSync('bash', [join(root, 'scripts/models/fetch-minilm.sh')], {
  encoding: 'utf8',
}).trim();
const { source, texts } = sentences();
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
const embedder = new LocalEmbedder({
  modelDir,
  batchSize: batch,
  threads: Number(opt.threads),
});
await embedder.start();
await embedder.embed(texts.slice(0, batch)); // warm-up: first run allocates and optimizes

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let truncated = 0;
for (let i = 0; i < texts.length; i += batch) {
  truncated += (await embedder.embed(texts.slice(i, i + batch))).truncated.length;
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
await embedder.shutdown({ atMs: Date.now() + 5000 });

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
console.log(
  JSON.stringify(
    {
      model: embedder.modelId,
      texts: texts.length,
      source,
      batch,
      threads: Number(opt.threads),
      seconds: round(seconds, 2),
      textsPerSecond: round(texts.length / seconds),
      textsPerCpuSecond: round(texts.length / cpuSeconds),
      truncated,
      rssBeforeModelMb: round(rssBeforeMb),
      peakRssMb: round(process.resourceUsage().maxRSS / 1024),
      cpus: os.cpus().length,
      loadavg: os.loadavg().map((l) => round(l, 2)),
    },
    null,
    2,
  ),
);
