// `npm test`: from a fresh clone, installs what the tests need (npm packages, test clients, and the engines: Kafka,
// a ClickHouse server, Weaviate, the deploy validators, Chromium, the Python clients; cached under DRIFTWATCH_CACHE),
// then format, lint (Nx module boundaries, knip), typecheck, build and every Vitest project. Engines it starts are
// stopped at the end, whatever happens (Ctrl-C too). Ends with one plain "tests: N passed, N failed" line.
//   npm test                      everything
//   npm test -- --quick           no engines: skips tests/distributed and tests/deploy
//   npm test -- tests/ingest      only those tests (no format, lint, typecheck); engines only if they need them
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.DRIFTWATCH_CACHE || join(homedir(), '.cache', 'driftwatch');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  DRIFTWATCH_CACHE: cache,
  PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
};
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.filter((arg) => arg !== '--quick');
const SKIPPED_BY_QUICK = ['tests/distributed', 'tests/deploy'];

function step(name, command, args, options = {}) {
  console.log(`\n== ${name}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env, ...options });
  if (result.status !== 0) {
    console.error(`\n${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

// Engines started by this run, stopped on any exit (normal end, failure, Ctrl-C, SIGTERM).
const started = [];
function stopEngines() {
  while (started.length > 0) {
    const engine = started.pop();
    spawnSync('bash', [join(root, engine.script), 'stop'], { cwd: root, stdio: 'inherit', env });
  }
}
process.on('exit', stopEngines);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

console.log('== packages');
try {
  await ensurePackages({ label: 'npm packages' });
  await ensurePackages({ dir: join(root, 'tests'), label: 'test clients (tests/package.json)' });
  // @driftwatch/sdk is published on its own: its dependencies are its own (libs/sdk/package-lock.json).
  await ensurePackages({ dir: join(root, 'libs', 'sdk'), label: 'TypeScript SDK (libs/sdk/package.json)' });
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
// An install another process broke (two runs in one folder, an interrupted npm) can leave no Node 24 behind: say
// so instead of failing later on a missing tool.
const nodeCheck = spawnSync(bin('node'), ['--version'], { encoding: 'utf8' });
if (nodeCheck.status !== 0) {
  console.error(
    `node_modules/.bin/node does not run (${nodeCheck.error?.message ?? `exit ${nodeCheck.status}`}): the package` +
      ' install is incomplete; remove node_modules (and its .driftwatch-install.json stamp with it) and run again',
  );
  process.exit(1);
}
console.log(`Node ${nodeCheck.stdout.trim()} (node_modules/.bin/node)`);

if (only.length === 0) {
  step('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  step('project graph', bin('nx'), ['show', 'projects']);
  step('lint', bin('eslint'), ['.', '--max-warnings=0']);
  step('dead code (knip)', bin('node'), [bin('knip'), '--no-progress']);
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
}
step('build', bin('node'), [join(root, 'scripts', 'build.mjs')]);
// The browser tests (tests/dashboard) run against the built dashboard; rebuilt only after a change.
step('build dashboard', bin('node'), [join(root, 'scripts', 'build-dashboard.mjs')]);

const vitestArgs = [...only, ...(quick ? SKIPPED_BY_QUICK.flatMap((dir) => ['--exclude', `${dir}/**`]) : [])];
const files = testFiles(vitestArgs);
const needs = (dir) => files.some((file) => file.startsWith(`${dir}/`));
if (quick) {
  console.log(
    `\n--quick: skipping ${SKIPPED_BY_QUICK.join(' and ')} (they need Kafka, a ClickHouse server, Weaviate`,
  );
  console.log('and the deploy validators); plain `npm test` runs them too.');
}
if (needs('tests/ingest') || needs('tests/clients')) {
  step(
    'Python OpenTelemetry clients (virtualenv in $DRIFTWATCH_CACHE/pyenv)',
    'bash',
    ['scripts/python-clients.sh'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
if (files.some((file) => file.startsWith('tests/sdk/python-'))) {
  step('Python SDK virtualenv ($DRIFTWATCH_CACHE/pyenv-sdk)', 'bash', ['scripts/python-sdk.sh'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
if (needs('tests/dashboard')) ensureChromium();
if (needs('tests/deploy')) {
  step(
    'deploy validators (docker compose plugin built from Go, cold ~11 min; kubernetes-validate, yamllint)',
    'bash',
    ['deploy/tools/install-validators.sh'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
if (needs('tests/distributed')) await startEngines();

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const report = join(root, 'test-artifacts', 'vitest.json');
rmSync(report, { force: true }); // a report left by an earlier run must not be read as this run's
console.log('\n== tests');
const run = spawnSync(
  bin('node'),
  [
    bin('vitest'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...vitestArgs,
  ],
  { cwd: root, stdio: 'inherit', env },
);
let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // no report: vitest failed to start or was interrupted; its exit code says so below
}
if (!summary) console.error(`\nno test report (vitest ${run.signal ?? `exit ${run.status}`})`);
stopEngines();
if (quick) console.log(`\n(--quick: ${SKIPPED_BY_QUICK.join(' and ')} not run)`);
if (summary) {
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(
    `\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}
process.exit(run.status ?? 1);

/** The test files Vitest would run with these arguments, relative to the root (`--json` last: it takes a value). */
function testFiles(vitestArgs) {
  const result = spawnSync(bin('node'), [bin('vitest'), 'list', ...vitestArgs, '--filesOnly', '--json'], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    console.error(result.stderr);
    console.error('vitest list failed: cannot tell which tests to run');
    process.exit(result.status || 1);
  }
  return JSON.parse(result.stdout).map(({ file }) => relative(root, file));
}

function ensureChromium() {
  if (process.env.DRIFTWATCH_CHROMIUM || spawnSync('sh', ['-c', 'command -v chromium']).status === 0) return;
  // Debian's package, driven by playwright-core; the package index is refreshed only when Chromium is missing.
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (...a) => [...sudo, 'apt-get', ...a];
  const [update, ...updateArgs] = apt('update', '-qq');
  step('Chromium for the dashboard tests (apt)', update, updateArgs);
  const [install, ...installArgs] = apt('install', '-y', '-qq', 'chromium');
  step('Chromium for the dashboard tests (apt)', install, installArgs, {
    env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** True when something accepts connections on 127.0.0.1:port. */
function inUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A port the OS says is free (and, with `pair`, whose next port is free too). */
async function freePort(pair = false) {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
    });
    if (!pair || (port < 65535 && !(await inUse(port + 1)))) return port;
  }
}

/**
 * Picks the engines' ports and starts the engines. A port set in the environment is used as given, and an engine
 * already answering there is used and left running (someone else started it). An unset port gets its default when
 * free, else a free one, so this run starts its own engine and never touches one another run is using.
 */
async function startEngines() {
  const engines = [
    {
      name: 'Apache Kafka 4 (single-node KRaft on loopback; jars cached under $DRIFTWATCH_CACHE/kafka)',
      script: 'scripts/engines/kafka.sh',
      ports: { KAFKA_PORT: 19092, KAFKA_CONTROLLER_PORT: 19093 },
      // tests/distributed/kafka-broker-restart.test.ts starts a broker of its own on this port and the next.
      extraPorts: { KAFKA_RESTART_TEST_PORT: 19192 },
      env: (p) => ({ KAFKA_BOOTSTRAP: `localhost:${p.KAFKA_PORT}` }),
    },
    {
      name: "ClickHouse server (Debian's clickhouse-server on loopback; network-path tests only)",
      script: 'scripts/engines/clickhouse.sh',
      ports: { CLICKHOUSE_HTTP_PORT: 18123, CLICKHOUSE_TCP_PORT: 19000 },
      env: (p) => ({
        CLICKHOUSE_USER: process.env.CLICKHOUSE_USER || 'driftwatch',
        CLICKHOUSE_PASSWORD: process.env.CLICKHOUSE_PASSWORD || 'driftwatch-test',
        CLICKHOUSE_URL: `http://127.0.0.1:${p.CLICKHOUSE_HTTP_PORT}`,
        CLICKHOUSE_RUN_DIR:
          process.env.CLICKHOUSE_RUN_DIR || join(cache, 'run', `clickhouse-${p.CLICKHOUSE_HTTP_PORT}`),
      }),
    },
    {
      name: 'Weaviate (built from its Go module, cold ~19 min; binary and Go caches under $DRIFTWATCH_CACHE)',
      script: 'scripts/engines/weaviate.sh',
      ports: {
        WEAVIATE_PORT: 18080,
        WEAVIATE_GRPC_PORT: 50051,
        WEAVIATE_GOSSIP_PORT: 17946,
        WEAVIATE_DATA_PORT: 17947,
        WEAVIATE_RAFT_PORT: 18300,
        WEAVIATE_RAFT_RPC_PORT: 18301,
      },
      env: (p) => ({ WEAVIATE_URL: `http://127.0.0.1:${p.WEAVIATE_PORT}` }),
    },
  ];
  // Installs first (the long builds), then starts.
  for (const engine of engines) step(`${engine.name}: install`, 'bash', [engine.script, 'install']);
  for (const engine of engines) {
    const chosen = {};
    let ours = true;
    for (const [name, fallback] of Object.entries({ ...engine.ports, ...engine.extraPorts })) {
      const given = process.env[name];
      const pair = name === 'KAFKA_RESTART_TEST_PORT';
      if (given) {
        chosen[name] = Number(given);
        if (name in engine.ports && (await inUse(chosen[name]))) ours = false;
      } else if (!(await inUse(fallback)) && !(pair && (await inUse(fallback + 1)))) {
        chosen[name] = fallback;
      } else {
        chosen[name] = await freePort(pair);
      }
    }
    for (const [name, port] of Object.entries(chosen)) env[name] = String(port);
    Object.assign(env, engine.env(chosen));
    const ports = Object.entries(engine.ports)
      .map(([name]) => `${name}=${env[name]}`)
      .join(' ');
    if (!ours) {
      console.log(
        `\n== ${engine.name}\nusing the one already running (${ports}); not started or stopped by this run`,
      );
      continue;
    }
    started.push(engine); // before start: a start cut short (Ctrl-C) still leaves a pid file to stop
    step(`${engine.name} (${ports})`, 'bash', [engine.script, 'start']);
  }
}
