#!/usr/bin/env node
// Ingest with embedding off vs on, back to back and alternated: runs bench/ingest (closed loop, spans/s) or
// bench/soak (paced exporters beside abusive clients, acknowledged spans/min) once per mode per round, with
// DRIFTWATCH_EMBEDDINGS=off / local, then counts the vectors and sampling windows each run stored. Prints one row
// per run and the on/off ratio per round. It prints figures; it asserts nothing. See bench/embeddings/README.md.
//   node bench/embeddings/ingest-on-off.mjs [--bench ingest|soak] [--rounds 2] [--seconds 60] [--minutes 2]

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { memoryOf, nodeBinary } from '../ingest/lib/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opt } = parseArgs({
  options: {
    bench: { type: 'string', default: 'ingest' },
    rounds: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '60' },
    minutes: { type: 'string', default: '2' },
    modes: { type: 'string', default: 'off,local' },
    'no-build': { type: 'boolean', default: false },
  },
});
const node = nodeBinary(root);
const modes = opt.modes.split(',');

if (!opt['no-build']) {
  const build = spawnSync(node, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** Processes under `pid` (the server's embedding child), from /proc. */
function descendants(pid) {
  const out = [];
  const walk = (p) => {
    let tasks = [];
    try {
      tasks = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      return;
    }
    for (const child of tasks) {
      out.push(Number(child));
      walk(Number(child));
    }
  };
  walk(pid);
  return out;
}

/** User + system CPU seconds of a process so far (its whole life), null once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Runs one bench with the mode's environment; follows the server's children's memory while it runs. */
function runBench(mode) {
  const args =
    opt.bench === 'soak'
      ? ['bench/soak/run.mjs', '--minutes', opt.minutes, '--no-build', '--keep-data']
      : ['bench/ingest/run.mjs', '--duration', opt.seconds, '--no-ceiling', '--keep-data'];
  const env = { ...process.env, DRIFTWATCH_EMBEDDINGS: mode };
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let serverPid = null;
    let childPeakMiB = 0;
    const childCpu = new Map();
    const watch = setInterval(() => {
      serverPid ??= Number(/pid (\d+)/.exec(out)?.[1]) || null;
      if (!serverPid) return;
      for (const pid of descendants(serverPid)) {
        const { peakMiB } = memoryOf(pid);
        if (Number.isFinite(peakMiB)) childPeakMiB = Math.max(childPeakMiB, peakMiB);
        const seconds = cpuSeconds(pid);
        if (seconds !== null) childCpu.set(pid, seconds);
      }
    }, 1000);
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearInterval(watch);
      const childCpuSeconds = [...childCpu.values()].reduce((a, b) => a + b, 0);
      resolve({ code, out, childPeakMiB, childCpuSeconds });
    });
  });
}

/** Vectors (calls embedded) and sampling windows stored by one run, read from its chDB directory. */
function countEmbedded(dataDir) {
  const script = `
    const { Session } = require(${JSON.stringify(join(root, 'node_modules/chdb'))});
    const s = new Session(${JSON.stringify(join(dataDir, 'data/clickhouse'))});
    const q = (sql) => { try { return s.query(sql, 'CSV').trim(); } catch { return '0'; } };
    const [seen, embedded] = q('SELECT sum(seen), sum(embedded) FROM driftwatch.embedding_sampling').split(',');
    console.log(JSON.stringify({
      callsEmbedded: Number(q('SELECT uniqExact(span_id) FROM driftwatch.vectors')),
      samplingSeen: Number(seen) || 0,
      samplingEmbedded: Number(embedded) || 0,
    }));
    s.close();`;
  const res = spawnSync(node, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
  try {
    return JSON.parse(res.stdout.trim().split('\n').pop());
  } catch {
    return { error: (res.stderr || '').trim().split('\n').slice(-2).join(' ') };
  }
}

function figures(mode, round, { code, out, childPeakMiB, childCpuSeconds }) {
  const row = {
    round,
    mode,
    exit: code,
    embedderPeakRssMiB: Math.round(childPeakMiB) || null,
    embedderCpuSeconds: Number(childCpuSeconds.toFixed(1)),
  };
  let dataDir;
  if (opt.bench === 'soak') {
    const last = JSON.parse(out.trim().split('\n').pop());
    dataDir = dirname(/log (\S+server\.log)/.exec(out)?.[1] ?? '');
    Object.assign(row, {
      spansPerMin: Math.round(last.spansAcknowledged / last.minutes),
      serverPeakRssMiB: last.peakRssMiB,
      longestStallMs: last.longestStallMs,
      pass: last.pass,
    });
  } else {
    const run = JSON.parse(
      readFileSync(join(process.env.TMPDIR || '/tmp', 'driftwatch-bench-ingest/last-run.json'), 'utf8'),
    );
    dataDir = /data (\S+)/.exec(out)?.[1];
    Object.assign(row, {
      spansPerSec: run.metrics.spansPerSec,
      errors: run.metrics.errors,
      ackP99Ms: Math.round(run.metrics.ackP99Ms),
      serverCpuUsPerSpan: Math.round(run.metrics.serverCpuUsPerSpan),
      mainThreadUsPerSpan: Math.round(run.metrics.mainThreadUsPerSpan),
      serverPeakRssMiB: Math.round(run.metrics.serverPeakRssMiB),
      loadAverage: run.contention.loadAverage1m,
    });
  }
  if (dataDir) {
    Object.assign(row, countEmbedded(dataDir));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return row;
}

const rows = [];
console.log(`${opt.bench}: ${opt.rounds} rounds of ${modes.join(' then ')}, ${new Date().toISOString()}`);
for (let round = 1; round <= Number(opt.rounds); round++) {
  for (const mode of round % 2 ? modes : [...modes].reverse()) {
    const result = await runBench(mode);
    const row = figures(mode, round, result);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
const key = opt.bench === 'soak' ? 'spansPerMin' : 'spansPerSec';
for (let round = 1; round <= Number(opt.rounds); round++) {
  const [off, on] = modes.map((m) => rows.find((r) => r.round === round && r.mode === m));
  if (off?.[key] && on?.[key])
    console.log(`round ${round}: ${on.mode}/${off.mode} ${key} = ${(on[key] / off[key]).toFixed(3)}`);
}
console.log(JSON.stringify({ bench: opt.bench, rows }));
