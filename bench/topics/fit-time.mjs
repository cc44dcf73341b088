#!/usr/bin/env node
// Fit time of libs/topics on a large synthetic window: --n unit vectors of 384 dimensions around --centers random
// directions (noise 0.05 per coordinate). Prints seconds, the k found and peak RSS. It asserts nothing.
//   node bench/topics/fit-time.mjs [--n 100000] [--centers 300]

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { importTs } from './vectors.mjs';

const { values: opt } = parseArgs({
  options: { n: { type: 'string', default: '100000' }, centers: { type: 'string', default: '300' } },
});
const T = await importTs('libs/topics/src/index.ts', 'topics');
const n = Number(opt.n);
const random = T.seededRandom(42);
const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const centers = Array.from({ length: Number(opt.centers) }, () =>
  T.unit(Float32Array.from({ length: 384 }, gauss)),
);
const truth = Array.from({ length: n }, (_, i) => i % centers.length);
const vectors = truth.map((c) => T.unit(Float32Array.from(centers[c], (x) => x + 0.05 * gauss())));
const t0 = performance.now();
const fit = T.fitTopics(vectors, { seed: 1 });
const seconds = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    n,
    dimensions: 384,
    plantedTopics: centers.length,
    kFound: fit.model.topics.length,
    ari: Math.round(T.adjustedRandIndex(truth, fit.labels) * 1000) / 1000,
    seconds: Math.round(seconds * 10) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
