// Builds the Next.js dashboard (apps/dashboard/.next) unless the build is newer than every source it depends
// on, so `npm start` and `npm test` pay for `next build` only after a change.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'apps', 'dashboard');
const buildId = join(app, '.next', 'BUILD_ID');
const sources = [
  join(app, 'src'),
  join(app, 'next.config.mjs'),
  join(root, 'libs', 'api-schema', 'src'),
  join(root, 'package-lock.json'),
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const force = process.argv.includes('--force');
if (!force && existsSync(buildId) && statSync(buildId).mtimeMs > Math.max(...sources.map(newest))) {
  console.log('dashboard build is up to date (apps/dashboard/.next)');
} else {
  console.log('building the dashboard (next build)...');
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'node'),
    [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build', app],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
