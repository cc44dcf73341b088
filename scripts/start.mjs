// `npm start`: from a fresh clone to a running Driftwatch. Runs on whatever Node npm uses (it may be an old
// system Node), installs the runtime packages when missing (scripts/install.mjs), then runs the server on the Node 24
// from node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node24 = join(root, 'node_modules', '.bin', 'node');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Runtime packages only (the server, the dashboard and what builds them); `npm test` adds the dev tools.
try {
  await ensurePackages({ dev: false, label: 'installing packages (first start only)' });
} catch (error) {
  console.error(`[driftwatch] ${error.message}`);
  process.exit(1);
}
fetchEmbeddingModel();
run(node24, [join(root, 'scripts', 'build.mjs')]);
run(node24, [join(root, 'scripts', 'build-dashboard.mjs')]);

// The dashboard (Next.js) runs beside the server and proxies /api to it; the server's banner prints its URL.
const apiPort = process.env.DRIFTWATCH_OTLP_HTTP_PORT || '4318';
const dashboardPort = process.env.DRIFTWATCH_DASHBOARD_PORT || '3000';
const host = process.env.DRIFTWATCH_HOST || '0.0.0.0';
// Lets the server believe the client address the dashboard's proxy sends (sign-in limits per address).
const proxySecret = process.env.DRIFTWATCH_PROXY_SECRET || randomBytes(32).toString('base64url');
const dashboard = spawn(
  node24,
  [
    join(root, 'node_modules', 'next', 'dist', 'bin', 'next'),
    'start',
    join(root, 'apps', 'dashboard'),
    '-p',
    dashboardPort,
    '-H',
    host,
  ],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DRIFTWATCH_API_URL: `http://127.0.0.1:${apiPort}`,
      DRIFTWATCH_PROXY_SECRET: proxySecret,
      NEXT_TELEMETRY_DISABLED: '1',
    },
  },
);
const server = spawn(node24, ['--enable-source-maps', join(root, 'dist', 'server', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    DRIFTWATCH_DASHBOARD_URL: `http://localhost:${dashboardPort}`,
    DRIFTWATCH_PROXY_SECRET: proxySecret,
  },
});
let stopping = false;
// Ctrl-C reaches both children too (same process group); wait for the server's clean shutdown instead of dying first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    dashboard.kill(signal);
    server.kill(signal);
  });
}
dashboard.on('exit', (code) => {
  if (code && !stopping) console.error(`[driftwatch] the dashboard exited (${code}); the API keeps running`);
});
server.on('exit', (code, signal) => {
  dashboard.kill('SIGTERM');
  process.exit(code ?? (signal ? 1 : 0));
});

/**
 * The local embedding model (sha256-pinned, cached outside the repository; fast when cached). Without it the
 * server still starts and ingests; it says so and reports the embedder not ready in /readyz.
 */
function fetchEmbeddingModel() {
  const env = process.env;
  const mode = env.DRIFTWATCH_EMBEDDINGS ?? (env.DRIFTWATCH_EMBEDDINGS_URL ? 'remote' : 'local');
  if (mode !== 'local') return;
  console.log('[driftwatch] embedding model all-MiniLM-L6-v2 (fetched once, then only checked) ...');
  const fetched = spawnSync('bash', [join(root, 'scripts', 'models', 'fetch-minilm.sh')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (fetched.status !== 0) {
    const why = (fetched.stderr || '').trim().split('\n').slice(-3).join(' ');
    console.warn(`[driftwatch] embedding model not fetched (${why}); starting without embeddings`);
  }
}
