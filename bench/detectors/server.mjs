// The real server as a child process for the detector evaluation and benchmark, started from a snapshot of
// dist/server/main.js (other sessions rebuild dist/ in a shared worktree; a long evaluation keeps one build).

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, nodeBinary, sleep } from '../ingest/lib/server.mjs';
import { root } from '../topics/vectors.mjs';

/** Copies dist/server/ (main.js, the detector worker, maps) under node_modules/.cache; returns main and a hash. */
export function snapshotBuild(dist = join(root, 'dist/server')) {
  if (!existsSync(join(dist, 'main.js')))
    throw new Error(`${dist}/main.js is missing: run npm run build first`);
  const files = readdirSync(dist).sort();
  const digest = createHash('sha256');
  for (const f of files.filter((name) => name.endsWith('.js')))
    digest.update(f).update(readFileSync(join(dist, f)));
  const hash = digest.digest('hex').slice(0, 12);
  const dir = join(root, `node_modules/.cache/driftwatch-bench/detectors-server-${hash}`);
  mkdirSync(dir, { recursive: true });
  for (const f of files) copyFileSync(join(dist, f), join(dir, f));
  return { main: join(dir, 'main.js'), hash };
}

/**
 * Starts the server on `dataDir` (kept across restarts) with `env` on top; resolves once /readyz answers 200 and,
 * with local embeddings, once the model is loaded. A process exit or signal of this script kills it.
 */
export async function startDriftwatch({
  main,
  dataDir,
  env = {},
  cpuProfDir = null,
  waitForEmbedder = true,
}) {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const apiKey = `dw_${randomBytes(24).toString('base64url')}`;
  const logPath = join(dataDir, 'server.log');
  const out = createWriteStream(logPath, { flags: 'a' });
  const args = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child = spawn(nodeBinary(root), [...args, main], {
    cwd: root,
    env: {
      ...process.env,
      DRIFTWATCH_DATA_DIR: join(dataDir, 'data'),
      DRIFTWATCH_HOST: '127.0.0.1',
      DRIFTWATCH_OTLP_HTTP_PORT: String(port),
      DRIFTWATCH_OTLP_GRPC_PORT: '0',
      DRIFTWATCH_BOOTSTRAP_API_KEY: apiKey,
      DRIFTWATCH_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const killOnExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    apiKey,
    dataDir,
    logTail(lines = 30) {
      return existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n') : '';
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await Promise.race([exit, sleep(graceMs).then(() => null)]);
      if (!result) child.kill('SIGKILL');
      process.removeListener('exit', killOnExit);
      return result ?? exit;
    },
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start:\n${server.logTail()}`);
    if (Date.now() - started > 180_000) {
      await server.stop(5000);
      throw new Error(`server not ready after 180 s:\n${server.logTail()}`);
    }
    const ready = await fetch(`${server.base}/readyz`).then(
      async (r) => (r.status === 200 ? r.json() : null),
      () => null,
    );
    if (ready && (!waitForEmbedder || ready.checks?.embedder?.ready)) break;
    await sleep(200);
  }
  server.readyMs = Date.now() - started;
  return server;
}
