#!/usr/bin/env node
// Ingest benchmark: starts the real server (dist/server/main.js) on a fresh data dir and a free port, drives
// OTLP/HTTP protobuf load at it from worker threads, probes when marker traces become queryable, measures the
// in-process decode/normalize ceilings on the same bodies, and prints the figures next to baseline.json.
// It prints figures; it asserts nothing. See bench/ingest/README.md.

import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureCeilings } from './lib/ceiling.mjs';
import { summarizeProfile } from './lib/profile-summary.mjs';
import { runLoad } from './lib/load.mjs';
import { countStored, memoryOf, startServer } from './lib/server.mjs';
import { buildTemplate, getSerializer } from './lib/spans.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const BASELINE = join(here, 'baseline.json');
/** Profiles and the last run's figures; outside the repository. */
const OUT = join(os.tmpdir(), 'driftwatch-bench-ingest');

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    connections: { type: 'string', default: '8' },
    'spans-per-request': { type: 'string', default: '500' },
    templates: { type: 'string', default: '1' },
    'marker-every': { type: 'string', default: '4' },
    rate: { type: 'string', default: '0' },
    'ceiling-seconds': { type: 'string', default: '3' },
    'no-ceiling': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'save-baseline': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(`node bench/ingest/run.mjs [options]
  --duration S            measured window in seconds (30)
  --warmup S              warm-up before the window (5)
  --workers N             load generator threads (2)
  --connections N         concurrent keep-alive connections per thread (8)
  --spans-per-request N   spans per OTLP request (500)
  --templates N           distinct pre-encoded bodies per connection (1)
  --rate N                offered load in spans/s, open loop (0 = closed loop: as fast as the server answers)
  --marker-every N        probe the marker trace of every Nth request per thread (4)
  --ceiling-seconds S     seconds per in-process ceiling stage (3)
  --no-ceiling            skip the decode / normalize ceilings
  --cpu-prof              run the server with --cpu-prof and summarize where its main thread spends time
  --save-baseline         write this run's figures to bench/ingest/baseline.json
  --keep-data             keep the server's temp data dir
Server settings (DRIFTWATCH_BATCH_MAX_SPANS, ...) are taken from the environment.`);
  process.exit(0);
}
const cfg = {
  durationS: Number(opt.duration),
  warmupS: Number(opt.warmup),
  workers: Number(opt.workers),
  connectionsPerWorker: Number(opt.connections),
  spansPerRequest: Number(opt['spans-per-request']),
  templatesPerConnection: Number(opt.templates),
  markerEvery: Number(opt['marker-every']),
  rateSpansPerSec: Number(opt.rate),
  ceilingS: Number(opt['ceiling-seconds']),
  seedBase: 1000,
};
const SEED_BASE = cfg.seedBase;

function machine() {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execSync('git status --porcelain', { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    if (dirty) commit += '+uncommitted';
  } catch {
    // not a git checkout
  }
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    commit,
    loadAverage1mAtStart: Number(os.loadavg()[0].toFixed(2)),
  };
}

/** GET /api/traces/{id} answers 200 once the trace is stored. */
async function driftwatchHas(server, traceId) {
  const res = await fetch(`${server.base}/api/traces/${traceId}`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  await res.arrayBuffer();
  return res.status === 200;
}

// ---------------------------------------------------------------------------------------------------------

const METRICS = [
  ['spansPerSec', 'spans/s accepted (200)', 0, +1],
  ['requestsPerSec', 'requests/s (200)', 1, +1],
  ['mbPerSec', 'MB/s of OTLP protobuf accepted', 1, +1],
  ['rejected429', '429 responses in window', 0, -1],
  ['errors', 'errors (other status / transport)', 0, -1],
  ['ackP50Ms', 'ack latency p50 (send -> 200), ms', 0, -1],
  ['ackP99Ms', 'ack latency p99, ms', 0, -1],
  ['queryableP50Ms', 'ingest-to-queryable p50 (send -> found), ms', 0, -1],
  ['queryableP99Ms', 'ingest-to-queryable p99, ms', 0, -1],
  ['ackToVisibleP50Ms', '200 -> found by GET /api/traces/{id} p50, ms', 0, -1],
  ['ackToVisibleP99Ms', '200 -> found p99, ms', 0, -1],
  ['queryIdleP50Ms', 'GET /api/traces/{id} after the load, p50, ms', 1, -1],
  ['serverCpuCores', 'server CPU, cores busy (all threads)', 2, -1],
  ['serverMainThreadCpu', 'server main JS thread, cores busy', 2, -1],
  ['serverCpuUsPerSpan', 'server CPU per span, µs (all threads)', 0, -1],
  ['mainThreadUsPerSpan', 'server main JS thread per span, µs', 0, -1],
  ['projectedSpansPerSecAllCores', 'projected spans/s, CPU-bound, all cores to server', 0, +1],
  ['serverPeakRssMiB', 'server peak RSS (VmHWM), MiB', 0, -1],
  ['generatorCpuCores', 'generator CPU, cores busy', 2, -1],
  ['generatorPeakRssMiB', 'generator peak RSS (VmHWM), MiB', 0, -1],
  ['decodeSpansPerSec', 'ceiling: decode only, spans per CPU-s', 0, +1],
  ['decodeNormalizeSpansPerSec', 'ceiling: decode + normalize, spans per CPU-s', 0, +1],
  ['decodeNormalizeEncodeSpansPerSec', 'ceiling: + insert JSON encoding, spans per CPU-s', 0, +1],
  ['decodeNormalizeRowBinarySpansPerSec', 'ceiling: + RowBinary encoding, spans per CPU-s', 0, +1],
];

function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(baseline, metrics) {
  const rows = [['metric', 'baseline', 'this run', 'change %']];
  for (const [key, label, digits] of METRICS) {
    const b = baseline?.metrics?.[key];
    const v = metrics[key];
    let change = 'n/a';
    if (
      typeof b === 'number' &&
      typeof v === 'number' &&
      b !== 0 &&
      Number.isFinite(b) &&
      Number.isFinite(v)
    ) {
      const c = ((v - b) / Math.abs(b)) * 100;
      change = `${c >= 0 ? '+' : ''}${c.toFixed(1)}%`;
    } else if (b === 0 && v === 0) change = '0.0%';
    rows.push([label, fmt(b, digits), fmt(v, digits), change]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r, n) => {
      const line = r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
        .join(' | ');
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}` : line;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  const facts = machine();
  if (Number(process.versions.node.split('.')[0]) < 22) {
    console.warn(`warning: running on Node ${process.version}; use node_modules/.bin/node (Node 24)`);
  }
  if (!existsSync(join(root, 'dist/server/main.js'))) {
    console.log('dist/server/main.js missing: building');
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const command = `node bench/ingest/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  console.log(`bench:ingest  ${new Date().toISOString()}  ${command}`);
  console.log(
    `machine: ${facts.cores} cores, ${facts.cpuModel}, ${facts.memoryGiB} GiB, node ${facts.node}, commit ${facts.commit}, load avg ${facts.loadAverage1mAtStart}`,
  );
  console.log(`encoder: ${getSerializer().name}`);

  const profDir = opt['cpu-prof']
    ? join(OUT, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
    : null;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const server = await startServer({ root, cpuProfDir: profDir });
  console.log(
    `server: pid ${server.pid}, port ${server.port}, ready in ${server.readyMs} ms, data ${server.dataDir}`,
  );
  let load;
  let serverMem;
  try {
    load = await runLoad({ ...server, visible: (traceId) => driftwatchHas(server, traceId) }, cfg);
    serverMem = memoryOf(server.pid);
  } finally {
    const exit = await server.stop();
    if (exit?.code !== 0) console.warn(`server exit: ${JSON.stringify(exit)}\n${server.logTail(15)}`);
    if (load) load.stored = countStored(root, join(server.dataDir, 'data/clickhouse'));
    if (!opt['keep-data']) rmSync(server.dataDir, { recursive: true, force: true });
  }
  const metrics = { ...load.metrics, serverPeakRssMiB: serverMem.peakMiB };
  let ceilingWall = null;

  if (!opt['no-ceiling']) {
    process.stdout.write(`ceilings: ${cfg.ceilingS} s per stage on the generator's bodies ...`);
    const bodies = [];
    for (let t = 0; t < Math.min(4, cfg.connectionsPerWorker * cfg.templatesPerConnection); t++) {
      const c = Math.floor(t / cfg.templatesPerConnection);
      const template = buildTemplate({
        seed: SEED_BASE + c * 100 + (t % cfg.templatesPerConnection),
        spansPerRequest: cfg.spansPerRequest,
      });
      template.stamp(0x0c0ffee0, t);
      bodies.push(template.body);
    }
    const ceilings = await measureCeilings(root, bodies, cfg.ceilingS);
    process.stdout.write(' done\n');
    metrics.decodeSpansPerSec = ceilings.decode.perCpuSecond;
    metrics.decodeNormalizeSpansPerSec = ceilings.decodeNormalize.perCpuSecond;
    metrics.decodeNormalizeEncodeSpansPerSec = ceilings.decodeNormalizeEncode.perCpuSecond;
    metrics.decodeNormalizeRowBinarySpansPerSec = ceilings.decodeNormalizeRowBinary.perCpuSecond;
    ceilingWall = Object.fromEntries(
      Object.entries(ceilings).map(([k, v]) => [k, Math.round(v.perWallSecond)]),
    );
  }

  const baseline = existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, 'utf8')) : null;
  console.log('');
  console.log(
    `request: ${load.spansPerRequest} spans, ${fmt(load.bytesPerRequest / 1024, 0)} KiB protobuf (${fmt(load.bytesPerRequest / load.spansPerRequest, 0)} B/span); ` +
      `statuses in window ${JSON.stringify(load.statusCounts)}; markers probed ${load.markersProbed} (lost ${load.markersLost}, ${fmt(load.probeAttemptsMean, 2)} GETs each)`,
  );
  console.log(
    `stored: ${load.stored?.rows ?? `? (${load.stored?.error})`} spans in driftwatch.spans (${load.stored?.parts ?? '?'} active parts) ` +
      `for ${load.acceptedTotal} spans answered 200 over the whole run (warm-up and drain included)`,
  );
  if (ceilingWall) console.log(`ceilings per wall second (contended): ${JSON.stringify(ceilingWall)}`);
  if (Object.keys(load.transportErrors).length)
    console.log(`transport errors: ${JSON.stringify(load.transportErrors)}`);
  console.log(
    `contention in window: load average ${load.contention.loadAverage1m} on ${facts.cores} cores, ` +
      `CPU pressure (some task waiting) ${fmt(load.contention.cpuPressureSomePct, 0)}% of the time`,
  );
  if (load.cpu) {
    const g = load.cpu.groups;
    const d = cfg.durationS;
    console.log(
      `server CPU in window (cores): main JS ${fmt(g.main / d, 2)}, libuv pool (chDB queries) ${fmt(g.libuv / d, 2)}, ` +
        `chDB engine threads ${fmt(g.engine / d, 2)}, V8 helpers (GC, JIT) ${fmt(g.v8 / d, 2)}`,
    );
  }
  if (baseline) {
    console.log(
      `baseline: ${baseline.recordedAt}, commit ${baseline.machine?.commit}, ${baseline.machine?.cores} cores ${baseline.machine?.cpuModel}, node ${baseline.machine?.node}; ${baseline.command}`,
    );
  } else {
    console.log('baseline: none yet (run with --save-baseline)');
  }
  console.log('');
  console.log(table(baseline, metrics));

  const record = {
    recordedAt: new Date().toISOString(),
    command,
    machine: facts,
    config: cfg,
    request: { spans: load.spansPerRequest, bytes: load.bytesPerRequest, encoder: getSerializer().name },
    serverCpuSecondsByThread: load.cpu
      ? Object.fromEntries(
          Object.entries(load.cpu.byName)
            .filter(([, v]) => v >= 0.01)
            .map(([k, v]) => [k, Number(v.toFixed(2))]),
        )
      : null,
    stored: load.stored,
    contention: load.contention,
    ceilingsPerWallSecond: ceilingWall,
    acceptedTotal: load.acceptedTotal,
    metrics,
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'last-run.json'), `${JSON.stringify(record, null, 2)}\n`);

  if (profDir) {
    const profiles = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'));
    if (profiles.length === 0) console.log(`\nno .cpuprofile written in ${profDir}`);
    for (const file of profiles) {
      const summary = summarizeProfile(join(profDir, file), 30);
      writeFileSync(join(profDir, 'summary.txt'), `${summary.text}\n`);
      console.log(`\n${summary.text}\n(summary saved to ${join(profDir, 'summary.txt')})`);
    }
  }
  if (opt['save-baseline']) {
    writeFileSync(BASELINE, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`\nbaseline written to ${relative(root, BASELINE)}`);
  }
}

// A closed pipe (`| head`) must not kill the bench before it stopped its server.
process.stdout.on('error', () => {});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the server`);
    process.exit(130); // the 'exit' hook of lib/server.mjs kills the server child
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
