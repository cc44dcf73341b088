/**
 * Builds and packs @driftwatch/sdk (libs/sdk) as it would be published, installs the tarball with openai into a
 * sample app in a temporary folder (npm, from the cache when it can), and runs the app (sample-app/app.mts).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const SDK = join(ROOT, 'libs', 'sdk');

/** npm's entry point, run on the project's Node 24 (the system npm may run on an older Node). */
function npmCli(): string {
  const real = realpathSync(
    process.env.npm_execpath?.endsWith('npm-cli.js') ? process.env.npm_execpath : whichNpm(),
  );
  return real.endsWith('.js')
    ? real
    : join(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
}

function whichNpm(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    try {
      return realpathSync(join(dir, 'npm'));
    } catch {
      // not in this directory
    }
  }
  throw new Error('npm is not on PATH');
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(NODE, [npmCli(), ...args, '--no-audit', '--no-fund'], {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return stdout;
}

export interface PackedSdk {
  tarball: string;
  /** Paths inside the package, as npm pack lists them. */
  files: string[];
}

/** tsc (libs/sdk/tsconfig.build.json) into libs/sdk/dist, then `npm pack` into `destination`. */
export async function packSdk(destination: string): Promise<PackedSdk> {
  rmSync(join(SDK, 'dist'), { recursive: true, force: true });
  await run(NODE, [join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', join(SDK, 'tsconfig.build.json')], {
    cwd: ROOT,
  });
  const output = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', destination], SDK);
  const [packed] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack printed no package: ${output}`);
  return { tarball: join(destination, packed.filename), files: packed.files.map((f) => f.path).sort() };
}

export interface SampleApp {
  dir: string;
  packed: PackedSdk;
  /** Runs app.mts (ESM), or app-commonjs.cts (CommonJS: prints only traceId). */
  run(options: SampleAppOptions, file?: 'app.mts' | 'app-commonjs.cts'): Promise<SampleAppResult>;
  /** `tsc --noEmit` over the app against the installed package's types; resolves with tsc's output. */
  typecheck(): Promise<string>;
  remove(): void;
}

export interface SampleAppOptions {
  scenario: 'own' | 'attached' | 'feedback';
  endpoint: string;
  apiKey: string;
  openaiBaseUrl?: string;
  release: string;
  environment: string;
  context: Record<string, unknown>;
  feedbackCount: number;
  feedbackTraceId?: string;
  idempotencyKeyPrefix?: string;
  forgetShutdown?: boolean;
}

export interface SampleAppResult {
  traceId?: string;
  answer: string | null;
  tracingMode: 'own' | 'attached';
  appExportedSpans: string[];
  feedbackKeys: string[];
  feedbackStats: { accepted: number; duplicates: number; failed: number; queued: number; requests: number };
  feedbackError: string | null;
}

/** Versions the sample app installs beside the SDK (the test clients' versions). */
const APP_DEPENDENCIES = [
  'openai@7.59.0',
  '@opentelemetry/api@1.10.0',
  '@opentelemetry/sdk-trace@3.1.1',
  '@opentelemetry/resources@3.1.1',
  '@opentelemetry/context-async-hooks@3.1.1',
];

export async function installSampleApp(): Promise<SampleApp> {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-sdk-app-'));
  const packed = await packSdk(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'driftwatch-sdk-sample-app', private: true, type: 'module' }, null, 2),
  );
  for (const file of ['app.mts', 'app-commonjs.cts']) {
    copyFileSync(join(import.meta.dirname, 'sample-app', file), join(dir, file));
  }
  await npm(['install', '--prefer-offline', packed.tarball, ...APP_DEPENDENCIES], dir);
  return {
    dir,
    packed,
    async run(options, file = 'app.mts') {
      const { stdout } = await run(NODE, [file], {
        cwd: dir,
        env: { ...process.env, SAMPLE_APP: JSON.stringify(options) },
        timeout: 90_000,
      });
      const last = stdout.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as SampleAppResult;
    },
    async typecheck() {
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            target: 'es2023',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            allowImportingTsExtensions: true,
            types: ['node'],
            typeRoots: [join(ROOT, 'node_modules', '@types')],
          },
          files: ['app.mts'],
        }),
      );
      const { stdout } = await run(NODE, [join(ROOT, 'node_modules', '.bin', 'tsc'), '-p', 'tsconfig.json'], {
        cwd: dir,
      });
      return stdout;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
