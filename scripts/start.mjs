// `npm start`: from a fresh clone to a running Driftwatch. Runs on whatever Node npm uses (it may be an old
// system Node), installs dependencies when missing, then runs the server on the Node 24 from node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node24 = join(root, 'node_modules', '.bin', 'node');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(node24) || !existsSync(join(root, 'node_modules', 'chdb'))) {
  console.log('[driftwatch] installing dependencies (first start only)...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(node24, [join(root, 'scripts', 'build.mjs')]);

const server = spawn(node24, ['--enable-source-maps', join(root, 'dist', 'server', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches the server too (same process group); wait for its clean shutdown instead of dying first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
