#!/usr/bin/env node
// Driftwatch beside Arize Phoenix under the same OTLP/HTTP protobuf load, one product at a time, in one run:
// accepted spans/s, spans stored, ingest-to-queryable p50/p99 (each through its own read API), peak RSS, and
// the ratio. Phoenix comes from PyPI into a cached venv and runs with its default store (SQLite).
// It prints figures; it asserts nothing. See bench/peers/README.md.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile, runLoad } from '../ingest/lib/load.mjs';
import { countStored, freePort, memoryOf, sleep, startServer } from '../ingest/lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');

const { values: opt } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    connections: { type: 'string', default: '8' },
    'spans-per-request': { type: 'string', default: '100' },
    rounds: { type: 'string', default: '1' },
    only: { type: 'string', default: 'driftwatch,phoenix' },
    'phoenix-version': { type: 'string', default: '20.26.1' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(`node bench/peers/run.mjs [options]
  --seconds S             measured window per product (30)
  --warmup S              load before the window (5)
  --workers N             load generator threads (2)
  --connections N         keep-alive connections per thread (8: 16 in flight)
  --spans-per-request N   spans per OTLP request (100)
  --rounds N              pairs of runs, order alternating; medians are printed (1)
  --only LIST             driftwatch,phoenix (both)
  --phoenix-version V     arize-phoenix from PyPI (20.26.1)
Driftwatch runs as npm start runs it (embedded, its defaults); its settings come from the environment.`);
  process.exit(0);
}
const cfg = {
  durationS: Number(opt.seconds),
  warmupS: Number(opt.warmup),
  workers: Number(opt.workers),
  connectionsPerWorker: Number(opt.connections),
  spansPerRequest: Number(opt['spans-per-request']),
  templatesPerConnection: 1,
  markerEvery: 4,
  rateSpansPerSec: 0,
  seedBase: 5000,
  // A marker not found this long after its 200 counts as lost (Phoenix inserts behind its answers).
  probeTimeoutMs: 120_000,
};
const CACHE = process.env.DRIFTWATCH_CACHE || join(os.homedir(), '.cache', 'driftwatch');

/** A venv with arize-phoenix, built once per version outside the repository. */
function ensurePhoenix(version) {
  const venv = join(CACHE, `phoenix-${version}`);
  const bin = join(venv, 'bin', 'phoenix');
  if (existsSync(bin)) return venv;
  console.log(`installing arize-phoenix==${version} into ${venv} (once) ...`);
  mkdirSync(CACHE, { recursive: true });
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status})`);
  };
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', `arize-phoenix==${version}`]);
  return venv;
}

async function startPhoenix(venv) {
  const dir = mkdtempSync(join(os.tmpdir(), 'phoenix-bench-'));
  const port = await freePort();
  const grpcPort = await freePort();
  const log = createWriteStream(join(dir, 'phoenix.log'));
  const child = spawn(join(venv, 'bin', 'phoenix'), ['serve'], {
    env: {
      ...process.env,
      PHOENIX_WORKING_DIR: dir,
      PHOENIX_HOST: '127.0.0.1',
      PHOENIX_PORT: String(port),
      PHOENIX_GRPC_PORT: String(grpcPort),
      PHOENIX_TELEMETRY_ENABLED: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exit = new Promise((r) => child.once('exit', (code, signal) => r((exited = { code, signal }))));
  const kill = () => exited || child.kill('SIGKILL');
  process.once('exit', kill);
  const base = `http://127.0.0.1:${port}`;
  const tail = () => readFileSync(join(dir, 'phoenix.log'), 'utf8').split('\n').slice(-20).join('\n');
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error(`phoenix exited during start: ${JSON.stringify(exited)}\n${tail()}`);
    if (Date.now() - started > 180_000) throw new Error(`phoenix not ready after 180 s\n${tail()}`);
    const ok = await fetch(`${base}/healthz`)
      .then((r) => r.arrayBuffer().then(() => r.ok))
      .catch(() => false);
    if (ok) break;
    await sleep(250);
  }
  const db = join(dir, 'phoenix.db');
  return {
    name: 'phoenix',
    pid: child.pid,
    port,
    apiKey: 'unused',
    readyMs: Date.now() - started,
    async visible(traceId) {
      const res = await fetch(`${base}/v1/projects/default/spans?trace_id=${traceId}&limit=1`);
      if (res.status !== 200) return (await res.arrayBuffer(), false);
      const body = await res.json();
      return Array.isArray(body.data) && body.data.length > 0;
    },
    /**
     * Phoenix answers 200 once spans are queued and inserts them into SQLite in the background: wait until it
     * stored all it accepted, or its count stopped moving for 20 s, or 5 minutes passed.
     */
    async settleAndStop(accepted) {
      const started = Date.now();
      let last = -1;
      let movedAt = Date.now();
      while (Date.now() - started < 300_000 && Date.now() - movedAt < 20_000) {
        const rows = sqliteCount(venv, db);
        if (rows !== last) movedAt = Date.now();
        last = rows;
        if (rows >= accepted) break;
        await sleep(1000);
      }
      this.settleMs = Date.now() - started;
      const peak = memoryOf(child.pid).peakMiB;
      child.kill('SIGTERM');
      await Promise.race([exit, sleep(20_000)]);
      kill();
      rmSync(dir, { recursive: true, force: true });
      return { stored: last, peakRssMiB: peak };
    },
  };
}

function sqliteCount(venv, db) {
  const script = `import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nprint(c.execute('select count(*) from spans').fetchone()[0])`;
  const r = spawnSync(join(venv, 'bin', 'python'), ['-c', script, db], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : NaN;
}

async function startDriftwatch() {
  // As npm start runs it: embeddings on (the local model at nice 19) unless the environment says otherwise.
  const embeddings = process.env.DRIFTWATCH_EMBEDDINGS ?? 'local';
  if (embeddings === 'local')
    spawnSync('bash', [join(root, 'scripts/models/fetch-minilm.sh')], { stdio: 'inherit' });
  const server = await startServer({ root, extraEnv: { DRIFTWATCH_EMBEDDINGS: embeddings } });
  return {
    name: 'driftwatch',
    ...server,
    async visible(traceId) {
      const res = await fetch(`${server.base}/api/traces/${traceId}`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      });
      await res.arrayBuffer();
      return res.status === 200;
    },
    async settleAndStop() {
      const peak = memoryOf(server.pid).peakMiB;
      await server.stop();
      const stored = countStored(root, join(server.dataDir, 'data/clickhouse'));
      rmSync(server.dataDir, { recursive: true, force: true });
      return { stored: stored.rows ?? NaN, peakRssMiB: peak };
    },
  };
}

async function measure(product, venv) {
  const target = product === 'phoenix' ? await startPhoenix(venv) : await startDriftwatch();
  console.log(`${product}: pid ${target.pid}, port ${target.port}, ready in ${target.readyMs} ms`);
  let load;
  let end;
  try {
    load = await runLoad(target, cfg);
  } finally {
    end = await target.settleAndStop(load?.acceptedTotal ?? 0);
  }
  const m = load.metrics;
  return {
    product,
    spansPerSec: Math.round(m.spansPerSec),
    // Durable rate: what it stored over the whole load (warm-up + window) plus the time it took to store the rest.
    storedPerSec: Math.round(end.stored / (cfg.warmupS + cfg.durationS + (target.settleMs ?? 0) / 1000)),
    acceptedSpans: load.acceptedTotal,
    storedSpans: end.stored,
    statuses: load.statusCounts,
    ackP99Ms: Math.round(m.ackP99Ms),
    queryableP50Ms: Math.round(m.queryableP50Ms),
    queryableP99Ms: Math.round(m.queryableP99Ms),
    markersProbed: load.markersProbed,
    markersLost: load.markersLost,
    storedWithinMs: target.settleMs ?? 0,
    peakRssMiB: Math.round(end.peakRssMiB),
    loadAverage: load.contention.loadAverage1m,
  };
}

const median = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

async function main() {
  const products = opt.only.split(',').map((p) => p.trim());
  const venv = products.includes('phoenix') ? ensurePhoenix(opt['phoenix-version']) : null;
  if (!existsSync(join(root, 'dist/server/main.js'))) {
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  console.log(
    `bench:peers ${new Date().toISOString()}: ${cfg.workers * cfg.connectionsPerWorker} keep-alive connections, ` +
      `${cfg.spansPerRequest} spans per request, fresh ids every request, ${cfg.durationS} s after ${cfg.warmupS} s ` +
      `warm-up, ${os.availableParallelism()} cores, load avg ${os.loadavg()[0].toFixed(2)}; Phoenix ${opt['phoenix-version']} (SQLite)`,
  );
  const rows = [];
  for (let round = 0; round < Number(opt.rounds); round++) {
    const order = round % 2 === 0 ? products : [...products].reverse();
    for (const product of order) {
      const row = { round: round + 1, ...(await measure(product, venv)) };
      console.log(JSON.stringify(row));
      rows.push(row);
    }
  }
  const summary = {};
  for (const product of products) {
    const mine = rows.filter((r) => r.product === product);
    summary[product] = {
      spansPerSec: median(mine.map((r) => r.spansPerSec)),
      storedPerSec: median(mine.map((r) => r.storedPerSec)),
      queryableP99Ms: median(mine.map((r) => r.queryableP99Ms)),
      peakRssMiB: median(mine.map((r) => r.peakRssMiB)),
      storedOfAccepted: mine.map((r) => `${r.storedSpans}/${r.acceptedSpans}`).join(' '),
    };
  }
  if (summary.driftwatch && summary.phoenix) {
    summary.ratio = Number((summary.driftwatch.spansPerSec / summary.phoenix.spansPerSec).toFixed(1));
    summary.storedRatio = Number((summary.driftwatch.storedPerSec / summary.phoenix.storedPerSec).toFixed(1));
  }
  console.log(`medians over ${opt.rounds} round(s):`);
  for (const [product, s] of Object.entries(summary)) {
    if (product === 'ratio' || product === 'storedRatio') continue;
    console.log(
      `  ${product.padEnd(10)} ${String(s.spansPerSec).padStart(7)} spans/s accepted, ${s.storedPerSec} stored/s  p99 ingest-to-queryable ${s.queryableP99Ms} ms  ` +
        `peak RSS ${s.peakRssMiB} MiB  stored/accepted ${s.storedOfAccepted}`,
    );
  }
  if (summary.ratio !== undefined) {
    console.log(`  ratio driftwatch/phoenix: ${summary.ratio}x accepted, ${summary.storedRatio}x stored`);
  }
  console.log(JSON.stringify({ bench: 'peers', ...summary }));
}

await main();
