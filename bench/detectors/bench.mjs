#!/usr/bin/env node
// Detection benchmark (issue 10, item 7): one full detection run over 100k embedded LLM calls among 1M spans,
// through the real server's runner (POST /api/detectors/run), with the run's time and the server's peak RSS.
//   node bench/detectors/bench.mjs [--traces 100000] [--keep]
// The data is written straight into the server's chDB directory by bench-data.mjs (OTLP ingest of 1M spans and
// embedding 200k texts would take hours here): spans over 25 hours, request + response vectors of every call.
// The run is one 1-hour window (the last hour, 4k calls) against the default trailing baseline of 24 windows
// (96k calls), so it reads every span's window and every call: the runner's normal periodic job at this size.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { summarizeProfile } from '../ingest/lib/profile-summary.mjs';
import { memoryOf, nodeBinary } from '../ingest/lib/server.mjs';
import { root } from '../topics/vectors.mjs';
import { snapshotBuild, startDriftwatch } from './server.mjs';

const { values: opt } = parseArgs({
  options: {
    traces: { type: 'string', default: '100000' },
    keep: { type: 'boolean', default: false },
    // Profile the server's main thread during the second start (the run) and print where the time went.
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const log = (line) => console.error(`[detectors-bench] ${line}`);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(130)); // kills the server
const traces = Number(opt.traces);
const START = '2026-11-02T00:00:00.000Z';
const HOUR = 3_600_000;
const dataRoot = mkdtempSync(join(tmpdir(), 'driftwatch-detect-bench-'));
const password = randomBytes(18).toString('base64url');

const env = {
  DRIFTWATCH_EMBEDDINGS: 'local',
  DRIFTWATCH_RETENTION_DAYS: '25000',
  DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: password,
};
const { main, hash } = snapshotBuild();
const launch = (cpuProfDir = null) => startDriftwatch({ main, dataDir: dataRoot, env, cpuProfDir });

async function api(server, path, init = {}) {
  const response = await fetch(`${server.base}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 400)}`);
  return { json: text ? JSON.parse(text) : null, headers: response.headers };
}

try {
  // 1. A first start creates the schema (spans, problems, the vector table); then the data goes in directly.
  log(`data directory ${dataRoot}`);
  let server = await launch();
  await server.stop();
  const t0 = Date.now();
  execFileSync(
    nodeBinary(root),
    [
      join(root, 'bench/detectors/bench-data.mjs'),
      '--path',
      join(dataRoot, 'data/clickhouse'),
      '--traces',
      String(traces),
      '--start',
      START,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  log(`data written in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  // 2. The server again on that data; the last hour's window is detected against the default trailing baseline.
  const profDir = opt['cpu-prof'] ? join(dataRoot, 'profiles') : null;
  server = await launch(profDir);
  const login = await api(server, '/api/auth/login', {
    method: 'POST',
    body: JSON.stringify({ email: 'admin@localhost', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const settings = (await api(server, '/api/detectors/settings', { headers: { cookie } })).json;
  const before = memoryOf(server.pid);
  writeFileSync(`/proc/${server.pid}/clear_refs`, '5'); // VmHWM from here measures the run
  const windowFrom = Date.parse(START) + 24 * HOUR;
  const started = performance.now();
  const run = await api(server, '/api/detectors/run', {
    method: 'POST',
    headers: { cookie },
    body: JSON.stringify({
      from: new Date(windowFrom).toISOString(),
      to: new Date(windowFrom + HOUR).toISOString(),
    }),
  });
  const seconds = (performance.now() - started) / 1000;
  const after = memoryOf(server.pid);
  const problems = (await api(server, '/api/problems?limit=200', { headers: { cookie } })).json.items;
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const summary = {
    build: hash,
    traces,
    spans: traces * 10,
    llmCalls: traces,
    vectors: traces * 2,
    settings: {
      windowMs: settings.windowMs,
      baseline: settings.baseline,
      baselineWindows: settings.baselineWindows,
    },
    window: run.json.windows.map((w) => ({
      from: w.from,
      outcome: w.outcome,
      findings: w.findings,
      problems: w.problems,
      error: w.error,
    })),
    runSeconds: Math.round(seconds * 10) / 10,
    serverRssBeforeMiB: Math.round(before.rssMiB),
    serverPeakRssDuringRunMiB: Math.round(after.peakMiB),
    serverThreads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]),
    problems: problems.map((p) => `${p.kind}${p.dimension ? ` ${p.dimension}=${p.value}` : ''}: ${p.title}`),
  };
  await server.stop();
  log(
    `detection run over ${traces} embedded calls and ${traces * 10} spans: ${summary.runSeconds} s, server peak RSS during the run ${summary.serverPeakRssDuringRunMiB} MiB (RSS before ${summary.serverRssBeforeMiB} MiB)`,
  );
  if (profDir)
    for (const file of readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')))
      console.error(summarizeProfile(join(profDir, file), 30).text);
  console.log(JSON.stringify(summary));
} finally {
  if (!opt.keep) rmSync(dataRoot, { recursive: true, force: true });
}
