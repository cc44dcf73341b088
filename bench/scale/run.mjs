#!/usr/bin/env node
// Reads at scale: N spans (default 10,000,000) generated straight into a fresh embedded store by INSERT ... SELECT
// (seed.ts), then the real server on it and repeated randomized requests to the trace list, trace detail and
// metrics summary APIs, then the dashboard's traces, trace and overview pages in headless Chromium (pages.mjs);
// prints p50/p95/p99 per view, the server's peak RSS and the on-disk size per million spans.
// Prints figures; asserts nothing. See README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { pageViews, pagesServerEnv, startPages } from './pages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const node = join(root, 'node_modules', '.bin', 'node');
const { values: opt } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '20' },
    // Seeding takes minutes at 10M: --data-dir keeps the seeded store for the next run (which skips seeding).
    'data-dir': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    // Another build of the server to measure (e.g. the code before a change, bundled elsewhere).
    server: { type: 'string' },
    // Only the views whose label matches (a regular expression), e.g. --only traces at 10M spans.
    only: { type: 'string' },
    // Without the dashboard pages (no Next.js, no Chromium), e.g. when comparing API views only.
    'no-pages': { type: 'boolean', default: false },
    // The built dashboard to serve (a worktree whose node_modules is a symlink cannot run `next build`; the
    // dashboard only proxies /api to the server measured, so another checkout's build of the same pages will do).
    dashboard: { type: 'string' },
  },
});
const API_KEY = 'dw_benchScaleKey0123456789abcdefghi';
const DAY = 86_400_000;

function run(args) {
  const result = spawnSync(node, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed`);
  return result.stdout;
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitFor(url, child) {
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error('server exited');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

if (!opt['no-build']) run([join(root, 'scripts', 'build.mjs')]);
await build({
  entryPoints: [join(root, 'bench', 'scale', 'seed.ts')],
  outfile: join(root, 'dist', 'bench', 'scale-seed.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});

const dataDir = opt['data-dir'] ?? mkdtempSync(join(tmpdir(), 'driftwatch-bench-scale-'));
const seedFile = join(dataDir, 'bench-seed.json');
let server;
try {
  let seeded;
  if (existsSync(seedFile)) {
    seeded = JSON.parse(readFileSync(seedFile, 'utf8'));
    console.log(`reusing ${seeded.spans.toLocaleString('en-US')} spans in ${dataDir}`);
  } else {
    console.log(`seeding ~${Number(opt.spans).toLocaleString('en-US')} spans (load average ${load()})`);
    seeded = JSON.parse(run([join(root, 'dist', 'bench', 'scale-seed.mjs'), dataDir, opt.spans]).trim());
    writeFileSync(seedFile, JSON.stringify(seeded));
    console.log(
      `seeded ${seeded.spans.toLocaleString('en-US')} spans, ${seeded.traces.toLocaleString('en-US')} traces in ` +
        `${seeded.seconds.toFixed(1)} s (${Math.round(seeded.spans / seeded.seconds).toLocaleString('en-US')} spans/s) ` +
        `straight into the store by INSERT ... SELECT generated in ClickHouse, not through the ingest API`,
    );
  }

  const [apiPort, grpcPort] = [await freePort(), await freePort()];
  const started = performance.now();
  server = spawn(node, [opt.server ?? join(root, 'dist', 'server', 'main.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DRIFTWATCH_DATA_DIR: dataDir,
      DRIFTWATCH_HOST: '127.0.0.1',
      DRIFTWATCH_OTLP_HTTP_PORT: String(apiPort),
      DRIFTWATCH_OTLP_GRPC_PORT: String(grpcPort),
      DRIFTWATCH_BOOTSTRAP_API_KEY: API_KEY,
      DRIFTWATCH_LOG_LEVEL: 'warn',
      // Only the read path: no detectors, embedder or notifier competing for the 2 cores while measuring.
      DRIFTWATCH_ROLES: 'ingest,writer,api',
      DRIFTWATCH_EMBEDDINGS: 'off',
      ...pagesServerEnv,
    },
  });
  const base = `http://127.0.0.1:${apiPort}`;
  await waitFor(`${base}/readyz`, server);
  console.log(`server ready in ${((performance.now() - started) / 1000).toFixed(1)} s (migrations included)`);
  // The writer role rolls up the metrics of the closed hours in the background (migration 020): on a store seeded
  // before it, its first passes are the backfill (hours seeded just now wait a minute to be quiet). The views wait
  // until nothing is left to roll up (20 minutes at most), and the time is printed.
  for (;;) {
    const { checks } = await (await fetch(`${base}/readyz`)).json();
    const rollup = checks.metricsRollup;
    const waited = (performance.now() - started) / 1000;
    if (!rollup || (rollup.passes > 0 && rollup.pendingHours === 0) || waited > 1200) {
      if (rollup)
        console.log(
          `metrics rollup ${rollup.pendingHours === 0 ? 'caught up' : 'NOT caught up'} ${waited.toFixed(1)} s after the start ` +
            `(${rollup.hoursRolledUp} hours rolled up in ${rollup.passes} passes, last ${rollup.lastPassMs} ms, ` +
            `load average ${load()})`,
        );
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  async function timed(path) {
    const began = performance.now();
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const body = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${body.slice(0, 300)}`);
    return { ms: performance.now() - began, body };
  }

  const now = seeded.nowMs;
  const iso = (ms) => new Date(ms).toISOString();
  // Randomized within a view: the range's end moves by up to an hour, the filter value changes.
  const jitter = () => Math.floor(Math.random() * 3_600_000);
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet', 'claude-3-5-haiku', 'gemini-1.5-pro'];
  const range = (days) => {
    const to = now - jitter();
    return `from=${iso(to - days * DAY)}&to=${iso(to)}`;
  };
  const list = (q) => `/api/traces?limit=50&${q}`;
  const views = [
    ['traces, last 24 h, newest', () => list(range(1))],
    ['traces, last 7 d, newest', () => list(range(7))],
    ['traces, last 7 d, by cost', () => list(`${range(7)}&sort=costUsd`)],
    ['traces, last 24 h, by cost', () => list(`${range(1)}&sort=costUsd`)],
    ['traces, 7 d, model', () => list(`${range(7)}&model=${pick(models)}`)],
    ['traces, 7 d, user', () => list(`${range(7)}&userId=user-${Math.floor(Math.random() * 5000)}`)],
    [
      'traces, 30 d, session',
      () => list(`${range(30)}&sessionId=session-${Math.floor(Math.random() * 200000)}`),
    ],
    ['traces, 7 d, status=error', () => list(`${range(7)}&status=error`)],
    ['traces, 24 h, page 2 (cursor)', null],
    // The total the traces page asks for once its rows are in (capped at 10,000: "more than").
    ['count of traces, last 24 h', () => `/api/traces/count?${range(1)}`],
    // The traces page's topic labels (its third call; the default range of the topics API).
    ['topics list, 1 bucket (the traces page asked it before session 6)', () => '/api/topics?buckets=1'],
    ['topic labels (traces page)', () => '/api/topics/labels'],
    ['trace detail', null],
    // The overview's calls besides the two lists above: its 24 h totals and buckets, and its slowest traces.
    ['metrics summary, 24 h (overview)', () => `/api/metrics/summary?${range(1)}`],
    ['traces, 24 h, slowest 5 (overview)', () => `/api/traces?limit=5&${range(1)}&sort=durationMs`],
    ['metrics summary, 30 d', () => `/api/metrics/summary?${range(30)}`],
    ['metrics summary, 30 d, by model', () => `/api/metrics/summary?${range(30)}&groupBy=model`],
  ];
  const runs = Number(opt.runs);
  const rssBefore = peakRss(server.pid);
  console.log(
    `\n${runs} randomized requests per view after one warm-up: wall ms, and the server's CPU ms per request` +
      ` (user+system of the process, which chDB runs in; steadier than wall time on a loaded machine)`,
  );
  const traceIds = [];
  for (const [label, make] of views.filter(([l]) => !opt.only || new RegExp(opt.only).test(l))) {
    const times = [];
    let cpuAtStart = 0;
    for (let i = 0; i <= runs; i++) {
      if (i === 1) cpuAtStart = cpuMs(server.pid);
      let path;
      if (label === 'trace detail') path = `/api/traces/${pick(traceIds)}`;
      else if (label.includes('cursor')) {
        const first = JSON.parse((await timed(list(range(1)))).body);
        path = list(`${range(1)}&cursor=${first.nextCursor}`);
      } else path = make();
      const { ms, body } = await timed(path);
      if (label.startsWith('traces') && traceIds.length < 2000)
        for (const item of JSON.parse(body).items) traceIds.push(item.traceId);
      if (i > 0) times.push(ms);
    }
    console.log(
      `  ${label.padEnd(34)} p50 ${pct(times, 50).toFixed(0).padStart(5)}  p95 ${pct(times, 95).toFixed(0).padStart(5)}` +
        `  p99 ${pct(times, 99).toFixed(0).padStart(5)}  CPU ${((cpuMs(server.pid) - cpuAtStart) / runs).toFixed(0).padStart(5)}` +
        `   (load ${load()})`,
    );
  }
  const pagesWanted = pageViews({ windowQuery: () => '', traceId: () => '' }).filter(
    ([l]) => !opt['no-pages'] && (!opt.only || new RegExp(opt.only).test(l)),
  );
  if (pagesWanted.length > 0) {
    if (traceIds.length === 0)
      for (const item of JSON.parse((await timed(list(range(1)))).body).items) traceIds.push(item.traceId);
    const pages = await startPages({
      root,
      node,
      appDir: opt.dashboard ?? join(root, 'apps', 'dashboard'),
      apiUrl: base,
      port: await freePort(),
      waitFor,
    });
    try {
      console.log(
        `\ndashboard pages in headless Chromium, ${runs} randomized loads after one warm-up: navigation to the` +
          ` page's data shown (wall ms), and the server's CPU ms per load (every API call the page makes)`,
      );
      const windowQuery = (days) => {
        const to = now - jitter();
        return `from=${to - days * DAY}&to=${to}`;
      };
      const views = pageViews({ windowQuery, traceId: () => pick(traceIds) });
      for (const [label, make, selectors] of views.filter(([l]) => pagesWanted.some(([w]) => w === l))) {
        const times = [];
        let cpuAtStart = 0;
        for (let i = 0; i <= runs; i++) {
          if (i === 1) cpuAtStart = cpuMs(server.pid);
          const ms = await pages.load(make(), selectors);
          if (i > 0) times.push(ms);
        }
        console.log(
          `  ${label.padEnd(34)} p50 ${pct(times, 50).toFixed(0).padStart(5)}  p95 ${pct(times, 95).toFixed(0).padStart(5)}` +
            `  p99 ${pct(times, 99).toFixed(0).padStart(5)}  CPU ${((cpuMs(server.pid) - cpuAtStart) / runs).toFixed(0).padStart(5)}` +
            `   (load ${load()})`,
        );
      }
    } finally {
      await pages.stop();
    }
  }
  console.log(
    `\nserver peak RSS ${(peakRss(server.pid) / 2 ** 20).toFixed(0)} MB (at ready: ${(rssBefore / 2 ** 20).toFixed(0)} MB)`,
  );
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
}

// On-disk size, read with the server stopped (chDB binds one process to a data directory).
const sizes = JSON.parse(run([join(root, 'dist', 'bench', 'scale-seed.mjs'), dataDir, 'sizes']).trim());
const spansMillions = JSON.parse(readFileSync(seedFile, 'utf8')).spans / 1e6;
console.log('\non disk (active parts):');
for (const t of sizes) {
  console.log(
    `  ${t.table.padEnd(20)} ${Number(t.rows).toLocaleString('en-US').padStart(12)} rows  ` +
      `${(Number(t.disk) / 2 ** 20 / spansMillions).toFixed(1).padStart(8)} MB per million spans  ` +
      `compression ${(Number(t.raw) / Number(t.disk)).toFixed(1)}x`,
  );
}
if (!opt['data-dir']) rmSync(dataDir, { recursive: true, force: true });

/** User + system CPU time of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}
