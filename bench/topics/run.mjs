#!/usr/bin/env node
// Topics evaluation on CLINC150 (see README.md): Driftwatch's topics (k found by itself) against the 150 intents and
// the 10 domains, beside oracle-k k-means and TF-IDF + k-means; stability across overlapping windows; novelty AUROC
// for out-of-scope queries. Prints a table, then one JSON line.
//   node bench/topics/run.mjs [--data DIR] [--seed 1]

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sparseKmeans } from './tfidf-kmeans.mjs';
import { embedCached, importTs, loadClinc, root } from './vectors.mjs';

const { values: opt } = parseArgs({
  options: {
    data: { type: 'string', default: join(root, '../shared/data/clinc150') },
    seed: { type: 'string', default: '1' },
  },
});
const seed = Number(opt.seed);
const log = (line) => console.error(`[topics-eval] ${line}`);
const data = loadClinc(opt.data);
const [testFlat, oosFlat, trainFlat] = await embedCached(
  [data.test.texts, data.oosTest.texts, data.train.texts],
  log,
);
const T = await importTs('libs/topics/src/index.ts', 'topics');
const rows = (flat) =>
  Array.from({ length: flat.length / 384 }, (_, i) => flat.subarray(i * 384, (i + 1) * 384));
const test = rows(testFlat);
const intents = data.test.intents;
const domains = intents.map((i) => data.domainOf.get(i));
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const timed = (f) => {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: round((performance.now() - t0) / 1000, 1) };
};
const score = (name, labels, k, seconds) => ({
  method: name,
  k,
  ariIntents: round(T.adjustedRandIndex(intents, labels)),
  nmiIntents: round(T.normalizedMutualInformation(intents, labels)),
  ariDomains: round(T.adjustedRandIndex(domains, labels)),
  nmiDomains: round(T.normalizedMutualInformation(domains, labels)),
  seconds,
});

// 1. Driftwatch: k chosen by the library.
log(`fitting Driftwatch topics on ${test.length} in-scope test queries`);
const ours = timed(() => T.fitTopics(test, { seed, texts: data.test.texts }));
const results = [
  score('Driftwatch (k found)', ours.value.labels, ours.value.model.topics.length, ours.seconds),
];

// 2. Oracle k: plain k-means (k-means++ seeding) told k = 150, and Driftwatch's own method told k = 150.
log('oracle-k k-means (k = 150)');
const oracle = timed(() => T.kmeans(test, { k: 150, seed }));
results.push(score('k-means++, oracle k=150', Array.from(oracle.value.labels), 150, oracle.seconds));
const oracleOurs = timed(() => T.fitTopics(test, { seed, k: 150 }));
results.push(score('Driftwatch method, told k=150', oracleOurs.value.labels, 150, oracleOurs.seconds));

// 3. TF-IDF (stop words kept, as scikit-learn's default) + k-means, k = 150, best inertia of 3 seeds.
log('TF-IDF + k-means (k = 150)');
const tfidf = timed(() => {
  const { vectors, vocabulary } = T.tfidfVectors(data.test.texts, { keepStopWords: true });
  const runs = [0, 1, 2].map((r) => sparseKmeans(vectors, vocabulary.length, 150, T.seededRandom(seed + r)));
  return runs.reduce((a, b) => (b.inertia < a.inertia ? b : a)).labels;
});
results.push(score('TF-IDF + k-means, k=150', Array.from(tfidf.value), 150, tfidf.seconds));

// 4. Stability: two windows of 3,600 queries overlapping on 2,700 (75%); the second is a re-fit after the first.
log('stability: two 75%-overlapping windows');
const shuffled = shuffle(
  test.map((_, i) => i),
  T.seededRandom(seed + 1),
);
const w = Math.round(test.length * 0.8);
const windowA = shuffled.slice(0, w);
const windowB = shuffled.slice(test.length - w);
const fitA = T.fitTopics(
  windowA.map((i) => test[i]),
  { seed },
);
const labelA = new Map(windowA.map((i, j) => [i, fitA.labels[j]]));
// The re-fit as Driftwatch runs it (warm: k-means starts from the matched old centroids), and cold for reference.
const refit = (warmStart) => {
  const fitB = T.fitTopics(
    windowB.map((i) => test[i]),
    { seed: seed + 1, previous: fitA.model, warmStart },
  );
  const overlap = windowB.flatMap((i, j) => (labelA.has(i) ? [[labelA.get(i), fitB.labels[j]]] : []));
  return {
    kA: fitA.model.topics.length,
    kB: fitB.model.topics.length,
    ari: round(
      T.adjustedRandIndex(
        overlap.map((p) => p[0]),
        overlap.map((p) => p[1]),
      ),
    ),
    sameIdShare: round(overlap.filter(([a, b]) => a === b).length / overlap.length),
    overlap: overlap.length,
    lineage: Object.fromEntries(Object.entries(fitB.lineage).map(([key, list]) => [key, list.length])),
  };
};
const stability = { windows: w, warm: refit(true), cold: refit(false) };

// 5. Novelty: fit on the in-scope training queries only (k found); score the held-back in-scope test queries and
// the out-of-scope test queries.
log('novelty: fit on the 15,000 in-scope train queries, score test in-scope vs out-of-scope');
const train = rows(trainFlat);
const oos = rows(oosFlat);
const novFit = T.fitTopics(train, { seed });
const scoreAll = (vs) => vs.map((v) => T.assignTopic(novFit.model, v));
const inScope = scoreAll(test);
const outScope = scoreAll(oos);
// Baseline: plain k-means (k-means++, k = 150) on the same train queries, nearest-centroid distance.
const baseCentroids = T.kmeans(train, { k: 150, seed }).centroids.map(T.unit);
const nearestDistance = (v) => Math.min(...baseCentroids.map((c) => T.cosineDistance(v, c)));
const novelty = {
  fitOn: train.length,
  k: novFit.model.topics.length,
  inScope: inScope.length,
  outOfScope: outScope.length,
  auroc: round(
    T.auroc(
      outScope.map((a) => a.novelty),
      inScope.map((a) => a.novelty),
    ),
    4,
  ),
  aurocNearestCentroidDistance: round(
    T.auroc(
      outScope.map((a) => a.distance),
      inScope.map((a) => a.distance),
    ),
    4,
  ),
  aurocKmeans150NearestCentroid: round(T.auroc(oos.map(nearestDistance), test.map(nearestDistance)), 4),
  quantile: novFit.model.noveltyQuantile,
  flaggedInScope: round(inScope.filter((a) => a.novel).length / inScope.length),
  flaggedOutOfScope: round(outScope.filter((a) => a.novel).length / outScope.length),
};

function shuffle(items, random) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`CLINC150 test split, ${test.length} in-scope queries, 150 intents, 10 domains, seed ${seed}`);
console.log(
  `| ${pad('method', 32)} | k   | ARI intents | NMI intents | ARI domains | NMI domains | seconds |`,
);
console.log(`| ${'-'.repeat(32)} | --- | ----------- | ----------- | ----------- | ----------- | ------- |`);
for (const r of results)
  console.log(
    `| ${pad(r.method, 32)} | ${pad(r.k, 3)} | ${pad(r.ariIntents, 11)} | ${pad(r.nmiIntents, 11)} | ${pad(r.ariDomains, 11)} | ${pad(r.nmiDomains, 11)} | ${pad(r.seconds, 7)} |`,
  );
for (const [mode, s] of Object.entries(stability).filter(([key]) => key !== 'windows'))
  console.log(
    `stability (${mode} re-fit): ARI ${s.ari} on the ${s.overlap} queries both ${stability.windows}-query windows share (k ${s.kA} -> ${s.kB}; same topic id for ${s.sameIdShare} of them; splits ${s.lineage.splits}, merges ${s.lineage.merges})`,
  );
console.log(
  `novelty: AUROC ${novelty.auroc} (its nearest-centroid distance alone ${novelty.aurocNearestCentroidDistance}; k-means k=150 nearest centroid ${novelty.aurocKmeans150NearestCentroid}); fit on ${novelty.fitOn} in-scope train queries (k ${novelty.k}), ${novelty.inScope} in-scope test vs ${novelty.outOfScope} out-of-scope test; flagged at q=${novelty.quantile}: ${novelty.flaggedInScope} of in-scope, ${novelty.flaggedOutOfScope} of out-of-scope`,
);
console.log(JSON.stringify({ seed, selection: ours.value.selection?.scores, results, stability, novelty }));
