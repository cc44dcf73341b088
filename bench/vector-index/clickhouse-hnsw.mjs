// Recall@k and latency of ClickHouse's vector_similarity HNSW index in chDB against an exact scan, on clustered
// unit vectors, for several index settings. A benchmark, not a test: it prints figures and asserts nothing.
// The table has the shape of libs/vector-clickhouse (ReplacingMergeTree partitioned by project, read with FINAL).
//   node_modules/.bin/node bench/vector-index/clickhouse-hnsw.mjs [--n 20000] [--queries 50] [--k 10]
//     [--configs bf16:32:128,f32:32:128] [--ef 16,32,64,128,256] [--clusters 100] [--noise 0.35]
//     [--final true|false|both] [--rescore 0|1|both] [--multiplier 2]  (rescore: exact distances of the index's
//     candidates, k x multiplier of them, from the full-precision column)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '50' },
    k: { type: 'string', default: '10' },
    dims: { type: 'string', default: '384' },
    clusters: { type: 'string', default: '100' },
    noise: { type: 'string', default: '0.35' },
    configs: { type: 'string', default: 'bf16:32:128' },
    ef: { type: 'string', default: '16,32,64,128,256' },
    final: { type: 'string', default: 'both' },
    rescore: { type: 'string', default: '0' },
    multiplier: { type: 'string', default: '2' },
  },
});
const N = Number(opts.n);
const Q = Number(opts.queries);
const K = Number(opts.k);
const D = Number(opts.dims);

// Seeded PRNG (mulberry32) and Gaussian noise, so every run sees the same data.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const unit = (v) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
// Clustered like sentence embeddings: topic centres, points scattered around them (per-coordinate noise).
const centres = Array.from({ length: Number(opts.clusters) }, () => unit(Array.from({ length: D }, gauss)));
const point = () => {
  const c = centres[Math.floor(rand() * centres.length)];
  const s = Number(opts.noise) / Math.sqrt(D);
  return unit(c.map((x) => x + gauss() * s * Math.sqrt(D) * 0.1));
};
const data = Array.from({ length: N }, point);
const queries = Array.from({ length: Q }, point);
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

let t0 = performance.now();
const truth = queries.map((q) =>
  data
    .map((v, i) => [1 - dot(q, v), i])
    .sort((a, b) => a[0] - b[0])
    .slice(0, K)
    .map(([, i]) => i),
);
console.log(`data: ${N} x ${D}-d unit vectors in ${centres.length} clusters; ${Q} queries; k=${K}`);
console.log(
  `typical neighbour cosine distance: nearest ${(1 - dot(queries[0], data[truth[0][0]])).toFixed(3)}, ` +
    `10th ${(1 - dot(queries[0], data[truth[0][K - 1]])).toFixed(3)}; JS exact truth in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const dir = mkdtempSync(join(tmpdir(), 'dw-hnsw-bench-'));
const client = createClient({ connection: createChdbConnection({ path: dir }) });
await client.command({ query: 'CREATE DATABASE IF NOT EXISTS b' });

const rows = data.map((v, i) => ({ project_id: 'p', span_id: String(i), field: 'request', vector: v }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

async function search(table, q, settings, final) {
  const started = performance.now();
  const result = await client.query({
    query: `SELECT span_id, cosineDistance(vector, {q:Array(Float32)}) AS d FROM b.${table} ${final ? 'FINAL' : ''}
            WHERE project_id = {p:String} ORDER BY d LIMIT {k:UInt32}`,
    query_params: { q, p: 'p', k: K },
    clickhouse_settings: settings,
    format: 'JSONEachRow',
  });
  const ids = (await result.json()).map((r) => Number(r.span_id));
  return { ids, ms: performance.now() - started };
}

async function measure(table, label, settings, final) {
  const ms = [];
  let hits = 0;
  for (let i = 0; i < Q; i++) {
    const { ids, ms: took } = await search(table, queries[i], settings, final);
    ms.push(took);
    const want = new Set(truth[i]);
    hits += ids.filter((id) => want.has(id)).length;
  }
  console.log(
    `${label.padEnd(44)} recall@${K} ${(hits / (Q * K)).toFixed(3)}  p50 ${median(ms).toFixed(1)} ms  p99 ${p99(ms).toFixed(1)} ms`,
  );
}

async function table(name, indexSql) {
  await client.command({
    query: `CREATE TABLE b.${name} (project_id LowCardinality(String), span_id String, field LowCardinality(String),
      vector Array(Float32) ${indexSql ? `, INDEX iv vector TYPE ${indexSql} GRANULARITY 100000000` : ''})
      ENGINE = ReplacingMergeTree PARTITION BY project_id ORDER BY (project_id, span_id, field)`,
  });
  t0 = performance.now();
  await client.insert({ table: `b.${name}`, values: rows, format: 'JSONEachRow' });
  const inserted = (performance.now() - t0) / 1000;
  // One part, as background merges leave a table in the end: every part has its own HNSW graph, and searching
  // several small graphs finds more than one large one, so measuring before the merge would flatter the index.
  t0 = performance.now();
  await client.command({ query: `OPTIMIZE TABLE b.${name} FINAL` });
  const merged = (performance.now() - t0) / 1000;
  const parts = await client.query({
    query: `SELECT count() AS n FROM system.parts WHERE database = 'b' AND table = {t:String} AND active`,
    query_params: { t: name },
    format: 'JSONEachRow',
  });
  console.log(
    `${name}: insert ${inserted.toFixed(1)} s, merge to one part ${merged.toFixed(1)} s, active parts ${(await parts.json())[0].n}`,
  );
  return inserted;
}

const finals = opts.final === 'both' ? [false, true] : [opts.final === 'true'];
const rescores = opts.rescore === 'both' ? [false, true] : [opts.rescore === '1'];
const exactSecs = await table('exact', null);
console.log(`exact table (no index): insert ${exactSecs.toFixed(1)} s`);
for (const final of finals) await measure('exact', `exact scan${final ? ' FINAL' : ''}`, {}, final);

for (const [i, config] of opts.configs.split(',').entries()) {
  const [quant, m, efc] = config.split(':');
  const name = `hnsw_${i}`;
  const secs = await table(
    name,
    `vector_similarity('hnsw', 'cosineDistance', ${D}, '${quant}', ${m}, ${efc})`,
  );
  const explain = await client.query({
    query: `EXPLAIN indexes = 1 SELECT span_id FROM b.${name} WHERE project_id = 'p'
            ORDER BY cosineDistance(vector, {q:Array(Float32)}) LIMIT ${K}`,
    query_params: { q: queries[0] },
    format: 'JSONEachRow',
  });
  const used = (await explain.json()).some((r) => String(r.explain).includes('vector_similarity'));
  console.log(
    `index ${quant} M=${m} ef_construction=${efc}: insert+build ${secs.toFixed(1)} s (${(N / secs).toFixed(0)} rows/s), index in plan: ${used}`,
  );
  for (const ef of opts.ef.split(',').map(Number)) {
    for (const final of finals) {
      for (const rescore of rescores) {
        const settings = { hnsw_candidate_list_size_for_search: ef };
        if (rescore) {
          settings.vector_search_with_rescoring = 1;
          settings.vector_search_index_fetch_multiplier = Number(opts.multiplier);
        }
        const label = `  ef_search=${ef}${final ? ' FINAL' : ''}${rescore ? ` rescored x${opts.multiplier}` : ''}`;
        await measure(name, label, settings, final);
      }
    }
  }
  await client.command({ query: `DROP TABLE b.${name}` });
}
await client.close();
rmSync(dir, { recursive: true, force: true });
