#!/usr/bin/env node
// Nearest-neighbour latency at scale through the real VectorIndex adapters (issue 9, item 8): upserts N seeded,
// clustered 384-d unit vectors for one project in batches, then times nearest(vector, k, filter) for Q queries
// without and with a time filter (p50/p95/p99), recall@k of a subset against an exact scan (in JS), insert
// throughput and peak RSS. A benchmark, not a test: it prints figures (and the load average) and asserts nothing.
//   node_modules/.bin/node bench/vector-index/nn-1m.mjs --adapter clickhouse|weaviate [--n 1000000] [--queries 200]
//     [--recall-queries 20] [--k 10] [--batch 10000 (clickhouse) | 1000 (weaviate)] [--budget 0]
//     [--weaviate-port 18080] [--weaviate-grpc-port 50051] [--weaviate-pid PID]
// --budget S stops inserting after S seconds and measures at the N reached (the figures say which N).
// Vectors are generated per batch from their index (nothing of N size is kept in memory), so the bench process's
// peak RSS under chDB is chDB's plus a batch's. Weaviate's peak RSS is its process's VmHWM (pid from --weaviate-pid
// or the pid file of scripts/engines/weaviate.sh); a shared server's figure includes whatever else it held.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    adapter: { type: 'string', default: 'clickhouse' },
    n: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '200' },
    'recall-queries': { type: 'string', default: '20' },
    k: { type: 'string', default: '10' },
    batch: { type: 'string' },
    budget: { type: 'string', default: '0' },
    clusters: { type: 'string', default: '100' },
    noise: { type: 'string', default: '0.35' },
    days: { type: 'string', default: '28' },
    'window-days': { type: 'string', default: '7' },
    'weaviate-host': { type: 'string', default: '127.0.0.1' },
    'weaviate-port': { type: 'string', default: '18080' },
    'weaviate-grpc-port': { type: 'string', default: '50051' },
    'weaviate-pid': { type: 'string' },
  },
});
const ADAPTER = opt.adapter;
if (ADAPTER !== 'clickhouse' && ADAPTER !== 'weaviate') throw new Error('--adapter clickhouse|weaviate');
const N = Number(opt.n);
const Q = Number(opt.queries);
const R = Math.min(Q, Number(opt['recall-queries']));
const K = Number(opt.k);
const D = 384;
const BATCH = Number(opt.batch ?? (ADAPTER === 'clickhouse' ? 10_000 : 1_000));
const BUDGET_MS = Number(opt.budget) * 1000;
const DAY = 86_400_000;
const PROJECT = 'bench-nn';

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const log = (msg) => console.log(`[${new Date().toISOString().slice(11, 19)} load ${load()}] ${msg}`);

// Seeded generator (mulberry32); every vector is a function of its index, so the exact scan regenerates it.
function rng(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gaussFrom = (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
function normalize(v) {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}
// Clustered like sentence embeddings (the data of clickhouse-hnsw.mjs): topic centres, Gaussian scatter around them.
const centreRand = rng(42);
const centres = Array.from({ length: Number(opt.clusters) }, () =>
  normalize(Float64Array.from({ length: D }, () => gaussFrom(centreRand))),
);
const SCATTER = Number(opt.noise) * 0.1;
const startMs = Date.now() - Number(opt.days) * DAY; // calls spread over the last `days` days
function vectorOf(i) {
  const rand = rng(Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const c = centres[Math.floor(rand() * centres.length)];
  const timeMs = startMs + Math.floor(rand() * Number(opt.days) * DAY);
  const v = new Float32Array(D);
  for (let d = 0; d < D; d++) v[d] = c[d] + gaussFrom(rand) * SCATTER;
  return { vector: normalize(v), timeMs };
}
const entryOf = (i) => {
  const { vector, timeMs } = vectorOf(i);
  return {
    projectId: PROJECT,
    traceId: `t${i}`,
    spanId: String(i),
    field: 'request',
    timeMs,
    model: 'gpt-4o-mini',
    release: 'r1',
    topicId: null,
    vector,
  };
};
// Queries are drawn like the data, from indices no stored vector has.
const queries = Array.from({ length: Q }, (_, j) => vectorOf(2_000_000_000 + j).vector);
const timeFilter = { fromMs: startMs + (Number(opt.days) - Number(opt['window-days'])) * DAY };

function vmHwmMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { hwm: kb('VmHWM') / 1024, rss: kb('VmRSS') / 1024 };
}

async function bundle(lib) {
  const outfile = join(root, `node_modules/.cache/driftwatch-bench/${lib}.mjs`);
  await build({
    entryPoints: [join(root, `libs/${lib}/src/index.ts`)],
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

let cleanup = async () => {};
// ClickHouse: SELECTs sent per nearest() (1 = the index answered; 2 = it fell back to the exact scan with FINAL).
let selects = 0;
let enginePid = process.pid;
async function openIndex() {
  if (ADAPTER === 'clickhouse') {
    const { ClickHouseVectorIndex } = await bundle('vector-clickhouse');
    const { createClient } = await import('@clickhouse/client');
    const { createChdbConnection } = await import('chdb/connection');
    const dir = mkdtempSync(join(os.tmpdir(), 'dw-nn-bench-'));
    const client = createClient({ connection: createChdbConnection({ path: dir }) });
    const query = client.query.bind(client);
    client.query = (params) => {
      selects += 1;
      return query(params);
    };
    const index = new ClickHouseVectorIndex(client, {
      schema: { database: 'nn_bench', retentionDays: 365 },
      dimensions: D,
    });
    const parts = async () => {
      const result = await client.query({
        query: `SELECT count() AS parts, sum(rows) AS rows FROM system.parts
                WHERE database = 'nn_bench' AND table = 'vectors' AND active`,
        format: 'JSONEachRow',
      });
      const [row] = await result.json();
      return `active parts ${row.parts}, rows in them ${row.rows}`;
    };
    cleanup = async () => {
      await index.shutdown();
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { index, describe: parts };
  }
  const { WeaviateVectorIndex } = await bundle('vector-weaviate');
  const collection = `BenchNn${process.pid}`;
  const index = new WeaviateVectorIndex({
    host: opt['weaviate-host'],
    httpPort: Number(opt['weaviate-port']),
    grpcPort: Number(opt['weaviate-grpc-port']),
    collection,
    dimensions: D,
    timeouts: { init: 10, query: 120, insert: 600 },
  });
  const pidFile = join(
    process.env.DRIFTWATCH_CACHE ?? join(os.homedir(), '.cache/driftwatch'),
    `run/weaviate-${opt['weaviate-port']}/weaviate.pid`,
  );
  enginePid = Number(
    opt['weaviate-pid'] ?? (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : NaN),
  );
  if (!Number.isInteger(enginePid)) throw new Error('Weaviate pid unknown: pass --weaviate-pid');
  const { default: weaviate } = await import('weaviate-client');
  cleanup = async () => {
    await index.shutdown();
    // The bench's collection only: a server shared with others keeps everything else.
    const client = await weaviate.connectToLocal({
      host: opt['weaviate-host'],
      port: Number(opt['weaviate-port']),
      grpcPort: Number(opt['weaviate-grpc-port']),
    });
    await client.collections.delete(collection);
    await client.close();
  };
  return { index, describe: async () => `collection ${collection}, Weaviate pid ${enginePid}` };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
function summary(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x) => x.toFixed(1);
  return `p50 ${f(pct(s, 0.5))} ms  p95 ${f(pct(s, 0.95))} ms  p99 ${f(pct(s, 0.99))} ms  max ${f(s.at(-1))} ms`;
}

/** Exact top k of the first R queries over the stored vectors, without and with the time filter. */
function exactTruth(count) {
  const plain = Array.from({ length: R }, () => []);
  const timed = Array.from({ length: R }, () => []);
  const push = (top, d, i) => {
    if (top.length === K && d >= top[K - 1][0]) return;
    top.push([d, i]);
    top.sort((a, b) => a[0] - b[0]);
    if (top.length > K) top.pop();
  };
  for (let i = 0; i < count; i++) {
    const { vector, timeMs } = vectorOf(i);
    const inWindow = timeMs >= timeFilter.fromMs;
    for (let j = 0; j < R; j++) {
      const q = queries[j];
      let dot = 0;
      for (let d = 0; d < D; d++) dot += q[d] * vector[d];
      push(plain[j], 1 - dot, i);
      if (inWindow) push(timed[j], 1 - dot, i);
    }
  }
  return { plain: plain.map((t) => t.map(([, i]) => i)), timed: timed.map((t) => t.map(([, i]) => i)) };
}

const rssStartMb = vmHwmMb(process.pid).rss;
const { index, describe } = await openIndex();
await index.start();
log(
  `${ADAPTER}: N=${N} ${D}-d unit vectors in ${centres.length} clusters, batch ${BATCH}, one project; ` +
    `Q=${Q} queries, recall on ${R}, k=${K}; ${os.cpus().length} cores; bench RSS before ${rssStartMb.toFixed(0)} MB`,
);

// Insert: time only the upsert calls (generation is the bench's own cost), and the wall clock beside it.
let inserted = 0;
let upsertMs = 0;
const wall0 = performance.now();
let lastLog = wall0;
while (inserted < N) {
  if (BUDGET_MS > 0 && performance.now() - wall0 > BUDGET_MS) {
    log(`insert budget of ${opt.budget} s spent: stopping at N=${inserted}`);
    break;
  }
  const size = Math.min(BATCH, N - inserted);
  const entries = Array.from({ length: size }, (_, b) => entryOf(inserted + b));
  const t = performance.now();
  await index.upsert(entries);
  upsertMs += performance.now() - t;
  inserted += size;
  if (performance.now() - lastLog > 60_000 || inserted === N) {
    lastLog = performance.now();
    log(
      `inserted ${inserted}: ${(inserted / (upsertMs / 1000)).toFixed(0)} vectors/s in upsert, ` +
        `${(inserted / ((lastLog - wall0) / 1000)).toFixed(0)}/s wall; engine RSS ${vmHwmMb(enginePid).rss.toFixed(0)} MB`,
    );
  }
}
const wallS = (performance.now() - wall0) / 1000;
log(
  `insert N=${inserted}: ${(upsertMs / 1000).toFixed(1)} s in upsert (${(inserted / (upsertMs / 1000)).toFixed(0)} vectors/s), ` +
    `${wallS.toFixed(1)} s wall; ${await describe()}`,
);

async function timeQueries(label, filter, truth) {
  const ms = [];
  let hits = 0;
  let short = 0;
  const selects0 = selects;
  for (let j = 0; j < Q; j++) {
    const t = performance.now();
    const matches = await index.nearest(queries[j], K, { projectId: PROJECT, ...filter });
    ms.push(performance.now() - t);
    if (matches.length < K) short += 1;
    if (j < R) {
      const want = new Set(truth[j]);
      hits += matches.filter((m) => want.has(Number(m.spanId))).length;
    }
  }
  log(
    `nearest k=${K} ${label.padEnd(26)} ${summary(ms)}  recall@${K} ${(hits / (R * K)).toFixed(3)} ` +
      `(${R} queries)${short ? `  ${short} answers short of k` : ''}` +
      (ADAPTER === 'clickhouse' ? `  SELECTs per query ${((selects - selects0) / Q).toFixed(2)}` : ''),
  );
}

const t0 = performance.now();
const truth = exactTruth(inserted);
log(`exact truth for ${R} queries in JS: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (let j = 0; j < 3; j++) await index.nearest(queries[j], K, { projectId: PROJECT }); // warm-up
await timeQueries('(no filter)', {}, truth.plain);
await timeQueries(`(last ${opt['window-days']} of ${opt.days} days)`, timeFilter, truth.timed);
await timeQueries('(no filter, again)', {}, truth.plain);

const engine = vmHwmMb(enginePid);
const bench = vmHwmMb(process.pid);
log(
  ADAPTER === 'clickhouse'
    ? `peak RSS (VmHWM) of the bench process with chDB: ${bench.hwm.toFixed(0)} MB (now ${bench.rss.toFixed(0)} MB)`
    : `peak RSS (VmHWM) of Weaviate pid ${enginePid}: ${engine.hwm.toFixed(0)} MB (now ${engine.rss.toFixed(0)} MB); ` +
        `bench client process ${bench.hwm.toFixed(0)} MB`,
);
log(`${await describe()}`);
await cleanup();
