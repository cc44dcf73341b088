#!/usr/bin/env node
// Dashboard benchmark: N spans (default 1,000,000) written straight into a fresh embedded store, then the real
// server and the built dashboard on it, and Chromium timing the first render of the traces page, a 1,000-span
// trace, the sessions and users lists, a session and a user page (p50/p95 of --runs, after one warm-up), with
// each page's REST call timed alone. Prints figures; asserts nothing. See README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
// The tests' Chromium launch (Node strips its types).
import { launchChromium } from '../../tests/dashboard/support/browser.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const node = join(root, 'node_modules', '.bin', 'node');
const { values: opt } = parseArgs({
  options: {
    spans: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '10' },
    // Seeding a million spans takes minutes: --data-dir keeps the seeded store for the next run.
    'data-dir': { type: 'string' },
  },
});
const PASSWORD = 'bench-admin-password';

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

async function waitFor(url, child, what) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start`);
}

/** The p-th percentile (nearest rank) of a list of timings. */
const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const median = (xs) => percentile(xs, 50);
const ms = (x) => `${x.toFixed(0)} ms`;

run([join(root, 'scripts', 'build.mjs')]);
run([join(root, 'scripts', 'build-dashboard.mjs')]);
await build({
  entryPoints: [join(root, 'bench', 'dashboard', 'seed.ts')],
  outfile: join(root, 'dist', 'bench', 'dashboard-seed.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});

const dataDir = opt['data-dir'] ?? mkdtempSync(join(tmpdir(), 'driftwatch-bench-dashboard-'));
const seedFile = join(dataDir, 'bench-seed.json');
const children = [];
let browser;
try {
  let seeded;
  if (existsSync(seedFile)) {
    seeded = JSON.parse(readFileSync(seedFile, 'utf8'));
    console.log(`reusing ${seeded.spans.toLocaleString('en-US')} spans in ${dataDir}`);
  } else {
    seeded = JSON.parse(run([join(root, 'dist', 'bench', 'dashboard-seed.mjs'), dataDir, opt.spans]).trim());
    writeFileSync(seedFile, JSON.stringify(seeded));
    console.log(
      `seeded ${seeded.spans.toLocaleString('en-US')} spans in ${seeded.seconds.toFixed(1)} s (${dataDir})`,
    );
  }

  const [apiPort, grpcPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const server = spawn(node, [join(root, 'dist', 'server', 'main.js')], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      DRIFTWATCH_DATA_DIR: dataDir,
      DRIFTWATCH_HOST: '127.0.0.1',
      DRIFTWATCH_OTLP_HTTP_PORT: String(apiPort),
      DRIFTWATCH_OTLP_GRPC_PORT: String(grpcPort),
      DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      DRIFTWATCH_LOG_LEVEL: 'warn',
    },
  });
  children.push(server);
  await waitFor(`http://127.0.0.1:${apiPort}/readyz`, server, 'server');
  const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const web = spawn(
    node,
    [next, 'start', join(root, 'apps', 'dashboard'), '-p', String(webPort), '-H', '127.0.0.1'],
    {
      cwd: root,
      stdio: 'ignore',
      env: {
        ...process.env,
        DRIFTWATCH_API_URL: `http://127.0.0.1:${apiPort}`,
        NEXT_TELEMETRY_DISABLED: '1',
      },
    },
  );
  children.push(web);
  const base = `http://127.0.0.1:${webPort}`;
  await waitFor(`${base}/sign-in`, web, 'dashboard');

  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const login = await context.request.post(`${base}/api/auth/login`, {
    data: { email: 'admin@localhost', password: PASSWORD },
  });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);

  /** Navigation start to the selector being visible, in ms, measured in the page's own clock. */
  async function firstRender(path, selector, apiPath) {
    const page = await context.newPage();
    await page.goto(`${base}${path}`, { waitUntil: 'commit' });
    await page.locator(selector).first().waitFor({ timeout: 120_000 });
    // Where the time went: document ready, then the sign-in check and the data call (both through the /api proxy).
    const ms = await page.evaluate((dataPath) => {
      const end = (part) =>
        performance.getEntriesByType('resource').find((e) => e.name.includes(part))?.responseEnd ?? NaN;
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        total: performance.now(),
        dom: nav?.domContentLoadedEventEnd ?? NaN,
        me: end('/api/auth/me'),
        data: end(dataPath),
      };
    }, apiPath.split('?')[0]);
    await page.close();
    return ms;
  }
  async function apiTime(path) {
    const began = performance.now();
    const response = await context.request.get(`${base}${path}`);
    if (!response.ok()) throw new Error(`${path}: ${response.status()}`);
    await response.body();
    return performance.now() - began;
  }

  // A session and a user of the seeded data: the most recent of each list (what a reader would open first).
  const day = { to: Date.now(), from: Date.now() - 24 * 3_600_000 };
  const week = `from=${Date.now() - 7 * 86_400_000}&to=${Date.now()}&sort=lastSeen&order=desc&limit=50`;
  const firstOf = async (path, key) => {
    const response = await context.request.get(`${base}${path}`);
    if (!response.ok()) throw new Error(`${path}: ${response.status()}`);
    return (await response.json()).items[0][key];
  };
  const sessionId = await firstOf(`/api/sessions?${week}`, 'sessionId');
  const userId = await firstOf(`/api/end-users?${week}`, 'userId');
  const rows = (label) => `table[aria-label="${label}"] tbody tr`;

  const cases = [
    ['traces page (50 newest of the last 24 h)', '/traces', rows('Traces'), '/api/traces?limit=50'],
    [
      `trace of 1,000 spans`,
      `/traces/${seeded.bigTraceId}`,
      '[role="tree"] [role="treeitem"]',
      `/api/traces/${seeded.bigTraceId}`,
    ],
    ['sessions list (50 latest of 7 days)', '/sessions', rows('Sessions'), `/api/sessions?${week}`],
    [
      `session page (${sessionId}, 50 turns)`,
      `/sessions/${encodeURIComponent(sessionId)}`,
      'ol[aria-label="Conversation"] > li',
      `/api/sessions/${encodeURIComponent(sessionId)}?limit=50`,
    ],
    ['users list (50 latest of 7 days)', '/end-users', rows('Users'), `/api/end-users?${week}`],
    [
      `user page (${userId}, totals + sessions)`,
      `/end-users/${encodeURIComponent(userId)}`,
      '.group-totals',
      `/api/end-users/${encodeURIComponent(userId)}?limit=50`,
    ],
  ];
  // Calls a page makes besides its first one, timed alone: the traces total and the grouped overview.
  const apiOnly = [
    ['traces total (count, capped at 10,000)', `/api/traces/count?from=${day.from}&to=${day.to}`],
    ['traces page 1 (same range)', `/api/traces?from=${day.from}&to=${day.to}&limit=50`],
    ['metrics by release (24 h)', `/api/metrics/summary?from=${day.from}&to=${day.to}&groupBy=release`],
    ['metrics by model (24 h)', `/api/metrics/summary?from=${day.from}&to=${day.to}&groupBy=model`],
  ];
  const runs = Number(opt.runs);
  console.log(`\nfirst render in Chromium, p50 / p95 of ${runs} after a warm-up; the page's REST call alone`);
  for (const [label, path, selector, apiPath] of cases) {
    const warm = (await firstRender(path, selector, apiPath)).total;
    const renders = [];
    const phases = [];
    const apis = [];
    for (let i = 0; i < runs; i++) {
      const timing = await firstRender(path, selector, apiPath);
      renders.push(timing.total);
      phases.push(timing);
      apis.push(await apiTime(apiPath));
    }
    console.log(
      `  ${label.padEnd(44)} page p50 ${ms(median(renders)).padStart(8)} p95 ${ms(percentile(renders, 95)).padStart(8)}` +
        `  API p50 ${ms(median(apis)).padStart(8)} p95 ${ms(percentile(apis, 95)).padStart(8)}  (cold ${ms(warm)})`,
    );
    console.log(
      `  ${''.padEnd(44)} phases (p50): document ready ${ms(median(phases.map((p) => p.dom)))},` +
        ` signed-in check done ${ms(median(phases.map((p) => p.me)))},` +
        ` data received ${ms(median(phases.map((p) => p.data)))}`,
    );
  }
  console.log(`\nREST calls alone, p50 / p95 of ${runs} after a warm-up`);
  for (const [label, apiPath] of apiOnly) {
    await apiTime(apiPath);
    const apis = [];
    for (let i = 0; i < runs; i++) apis.push(await apiTime(apiPath));
    console.log(
      `  ${label.padEnd(44)} API p50 ${ms(median(apis)).padStart(8)} p95 ${ms(percentile(apis, 95)).padStart(8)}`,
    );
  }
} finally {
  await browser?.close();
  for (const child of children.reverse()) {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
  if (!opt['data-dir']) rmSync(dataDir, { recursive: true, force: true });
}
