// `npm test`: format, lint (with Nx module boundaries), typecheck, build, then every Vitest project
// (unit, integration against the real server and real clients). Ends with one plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = {
  ...process.env,
  PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
};
const only = process.argv.slice(2);

function step(name, command, args) {
  console.log(`\n== ${name}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`\n${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

if (only.length === 0) {
  step('format', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  step('project graph', bin('nx'), ['show', 'projects']);
  step('lint', bin('eslint'), ['.', '--max-warnings=0']);
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
}
step('build', bin('node'), [join(root, 'scripts', 'build.mjs')]);
// The browser tests (tests/dashboard) run against the built dashboard; rebuilt only after a change.
step('build dashboard', bin('node'), [join(root, 'scripts', 'build-dashboard.mjs')]);

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const report = join(root, 'test-artifacts', 'vitest.json');
console.log('\n== tests');
const run = spawnSync(
  bin('node'),
  [bin('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...only],
  { cwd: root, stdio: 'inherit', env },
);
let summary = null;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  // no report: vitest itself failed to start; its exit code says so below
}
if (summary) {
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(
    `\ntests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
}
process.exit(run.status ?? 1);
