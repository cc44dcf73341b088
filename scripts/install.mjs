// Installs the npm packages a command needs, quietly: one progress line instead of npm's log, which is kept in a
// file and shown only when the install fails. Used by `npm start` (root runtime packages) and `npm test` (root with
// dev tools, then tests/package.json's clients). Runs on whatever Node the npm on PATH uses (it may be an old system
// Node); npm itself is run on the Node 24 the project runs on (the `node` package: cached once under
// DRIFTWATCH_CACHE), so packages that need Node 22+ install without engine warnings.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.DRIFTWATCH_CACHE || join(homedir(), '.cache', 'driftwatch');
const nodeVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies.node;
const STAMP = '.driftwatch-install.json';

function versionOf(node) {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** npm's own entry point, to run it on another Node than the one npm runs on. */
function npmCli() {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && /npm-cli\.js$/.test(fromNpm)) return fromNpm;
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  if (!which) throw new Error('npm is not on PATH');
  const real = realpathSync(which);
  return real.endsWith('.js')
    ? real
    : join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
}

/** Runs a command with its output appended to `log`; on a terminal, a spinner with the elapsed time. */
function quietly(label, command, args, { cwd, log }) {
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `$ ${command} ${args.join(' ')}\n`, { flag: 'a' });
  const started = Date.now();
  const tty = process.stdout.isTTY;
  const frames = '|/-\\';
  let frame = 0;
  const seconds = () => Math.round((Date.now() - started) / 1000);
  process.stdout.write(`[driftwatch] ${label}${tty ? '' : ' ...\n'}`);
  const timer = tty
    ? setInterval(
        () => process.stdout.write(`\r[driftwatch] ${label} ${frames[frame++ % 4]} ${seconds()} s`),
        250,
      )
    : null;
  return new Promise((resolve, reject) => {
    // Appended through the shell so that npm's nested installs (the `node` package runs one) land in the same file.
    const child = spawn('sh', ['-c', '"$@" >>"$LOG" 2>&1', 'sh', command, ...args], {
      cwd,
      stdio: 'ignore',
      // onnxruntime-node's install script would download CUDA binaries from a host many machines cannot reach;
      // the CPU binaries it needs are inside the package. (An .npmrc key for it makes npm warn on every command.)
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', LOG: log },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      const end = `done in ${seconds()} s`;
      if (code === 0) {
        process.stdout.write(tty ? `\r[driftwatch] ${label}: ${end}\n` : `[driftwatch] ${label}: ${end}\n`);
        resolve();
        return;
      }
      if (tty) process.stdout.write('\n');
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      console.error(lines.slice(-40).join('\n'));
      reject(
        new Error(
          `${label} failed (${signal ?? `exit ${code}`}); full npm log: ${relative(process.cwd(), log)}`,
        ),
      );
    });
  });
}

/** The Node npm runs on: node_modules' Node 24 when installed, else this Node when recent enough, else a cached one. */
async function nodeForNpm(log) {
  const local = join(root, 'node_modules', '.bin', 'node');
  if (versionOf(local) === `v${nodeVersion}`) return local;
  if (Number(process.versions.node.split('.')[0]) >= Number(nodeVersion.split('.')[0]))
    return process.execPath;
  const prefix = join(cache, 'node', nodeVersion);
  const cached = join(prefix, 'node_modules', '.bin', 'node');
  if (versionOf(cached) !== `v${nodeVersion}`) {
    mkdirSync(prefix, { recursive: true });
    writeFileSync(
      join(prefix, 'package.json'),
      JSON.stringify({ private: true, allowScripts: { node: true } }),
    );
    await quietly(
      `fetching Node ${nodeVersion} to run npm on (once per machine)`,
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node@${nodeVersion}`],
      { cwd: prefix, log },
    );
  }
  return cached;
}

/** What the install follows: package.json (a dependency added or removed) and its lock. */
function lockHash(dir) {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

function readStamp(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'node_modules', STAMP), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Installs `dir`'s packages (its package-lock.json) unless node_modules already holds them. `dev: false` installs
 * without devDependencies, unless a previous install included them (they are kept, never pruned).
 * Returns true when it installed something.
 */
export async function ensurePackages({ dir = root, dev = true, label = 'installing packages' } = {}) {
  const stamp = readStamp(dir);
  const hash = lockHash(dir);
  if (stamp?.lock === hash && (stamp.dev || !dev)) return false;
  const withDev = dev || Boolean(stamp?.dev);
  const log = join(dir, 'node_modules', '.driftwatch-install.log');
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, '');
  const node = await nodeForNpm(log);
  // `install`, not `ci`: optional platform packages the registry lacks (chdb's macOS/arm builds) cannot be locked,
  // so `npm ci` refuses; install still follows the lock file.
  const args = ['install', '--no-audit', '--no-fund', ...(withDev ? [] : ['--omit=dev'])];
  // npm rewrites the lock file even when nothing in it changes; its old time is kept then, so that the dashboard
  // build (scripts/build-dashboard.mjs: rebuilt when a source is newer) is not redone for nothing.
  const lockFile = join(dir, 'package-lock.json');
  const [lockBefore, lockTime] = [readFileSync(lockFile), statSync(lockFile).mtime];
  await quietly(label, node, [npmCli(), ...args], { cwd: dir, log });
  if (readFileSync(lockFile).equals(lockBefore)) utimesSync(lockFile, lockTime, lockTime);
  writeFileSync(join(dir, 'node_modules', STAMP), JSON.stringify({ lock: hash, dev: withDev }) + '\n');
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // node scripts/install.mjs [--omit=dev]: what `npm start` (with --omit=dev) and `npm test` install.
  const dev = !process.argv.includes('--omit=dev');
  await ensurePackages({ dev, label: dev ? 'installing packages' : 'installing runtime packages' });
  if (dev)
    await ensurePackages({ dir: join(root, 'tests'), label: 'installing test clients (tests/package.json)' });
}
