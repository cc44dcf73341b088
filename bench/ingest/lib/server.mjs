// The real Driftwatch server as a child process: free port, fresh data dir, readiness, memory and CPU from /proc.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port >= 20000 on 127.0.0.1. */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const ok = await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port found in 20000-59999');
}

/** Node 24 of the repository (node_modules/.bin/node), else the Node running this script. */
export function nodeBinary(root) {
  const local = join(root, 'node_modules/.bin/node');
  return existsSync(local) ? local : process.execPath;
}

export async function startServer({ root, cpuProfDir, extraEnv = {} }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-'));
  const port = await freePort();
  const apiKey = `dw_${randomBytes(24).toString('base64url')}`; // 32 chars of [A-Za-z0-9_-]
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath);
  const args = [];
  if (cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`);
  args.push(join(root, 'dist/server/main.js'));
  const child = spawn(nodeBinary(root), args, {
    cwd: root,
    env: {
      ...process.env,
      ...extraEnv,
      DRIFTWATCH_DATA_DIR: join(dataDir, 'data'),
      DRIFTWATCH_HOST: '127.0.0.1',
      DRIFTWATCH_OTLP_HTTP_PORT: String(port),
      DRIFTWATCH_OTLP_GRPC_PORT: '0',
      DRIFTWATCH_BOOTSTRAP_API_KEY: apiKey,
      DRIFTWATCH_LOG_LEVEL: process.env.DRIFTWATCH_LOG_LEVEL ?? 'warn',
      // Ingest alone, comparable with earlier runs; bench/embeddings/ingest-on-off.mjs sets it to compare.
      DRIFTWATCH_EMBEDDINGS: extraEnv.DRIFTWATCH_EMBEDDINGS ?? process.env.DRIFTWATCH_EMBEDDINGS ?? 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  // Never leave the server behind: if this process ends without stop() (crash, EPIPE, signal), kill it.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let exited = null;
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const server = {
    pid: child.pid,
    port,
    apiKey,
    dataDir,
    logPath,
    base: `http://127.0.0.1:${port}`,
    exited: () => exited,
    /** SIGTERM (the server flushes and exits; --cpu-prof writes its profile then), SIGKILL after the grace. */
    async stop(graceMs = 30_000) {
      if (exited) return exited;
      child.kill('SIGTERM');
      const result = await Promise.race([exit, sleep(graceMs).then(() => null)]);
      if (result) return result;
      child.kill('SIGKILL');
      return exit;
    },
    logTail(lines = 30) {
      try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  const started = Date.now();
  for (;;) {
    if (exited)
      throw new Error(`server exited during start (${JSON.stringify(exited)}):\n${server.logTail()}`);
    if (Date.now() - started > 90_000) {
      await server.stop(5000);
      throw new Error(`server not ready after 90 s:\n${server.logTail()}`);
    }
    try {
      const res = await fetch(`${server.base}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  server.readyMs = Date.now() - started;
  return server;
}

/** VmHWM (peak RSS) and VmRSS of a process, in MiB. */
export function memoryOf(pid = 'self') {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
  } catch {
    return { peakMiB: NaN, rssMiB: NaN };
  }
}

const TICKS = 100; // USER_HZ on Linux

/**
 * CPU seconds per thread group of a process: the main JS thread, V8 helper threads (GC, compiler), libuv's
 * pool, and everything else (chDB / ClickHouse engine threads).
 */
export function threadCpu(pid) {
  const groups = { main: 0, v8: 0, libuv: 0, engine: 0 };
  const byName = {};
  let dir;
  try {
    dir = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  for (const tid of dir) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime
    const group =
      tid === String(pid)
        ? 'main'
        : /^V8|DelayedTask|Inspector/.test(comm)
          ? 'v8'
          : /^libuv/.test(comm)
            ? 'libuv'
            : 'engine';
    groups[group] += seconds;
    const key = tid === String(pid) ? '(main JS thread)' : comm.replace(/\d+$/, '#');
    byName[key] = (byName[key] ?? 0) + seconds;
  }
  return { groups, byName };
}

/** Difference of two threadCpu() snapshots (threads that ended in between are lost, which is rare). */
export function cpuDelta(before, after) {
  if (!before || !after) return null;
  const groups = {};
  for (const k of Object.keys(after.groups)) groups[k] = after.groups[k] - (before.groups[k] ?? 0);
  const byName = {};
  for (const k of Object.keys(after.byName)) byName[k] = after.byName[k] - (before.byName[k] ?? 0);
  return { groups, byName };
}

/** Rows and active parts in driftwatch.spans, read from the stopped server's data dir in a child process. */
export function countStored(root, path) {
  const script = `
    const { Session } = require(${JSON.stringify(join(root, 'node_modules/chdb'))});
    const s = new Session(${JSON.stringify(path)});
    const q = (sql) => s.query(sql, 'CSV').trim();
    console.log(JSON.stringify({
      rows: Number(q('SELECT count() FROM driftwatch.spans')),
      parts: Number(q("SELECT count() FROM system.parts WHERE database = 'driftwatch' AND table = 'spans' AND active")),
    }));
    s.close();`;
  const out = spawnSync(nodeBinary(root), ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  try {
    return JSON.parse(out.stdout.trim().split('\n').pop());
  } catch {
    return { error: (out.stderr || out.stdout || '').trim().split('\n').slice(-3).join(' ') };
  }
}
