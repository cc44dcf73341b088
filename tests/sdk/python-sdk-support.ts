/**
 * The Python SDK as a user gets it: sdks/python copied to a temporary folder, built as a wheel there (setuptools
 * from the virtualenv, no build isolation, so no download), installed into the virtualenv made by
 * scripts/python-sdk.sh, and sdks/python/examples/sample_app.py run against a Driftwatch server.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDK_SOURCE = join(ROOT, 'sdks', 'python');
const SETUP = join(ROOT, 'scripts', 'python-sdk.sh');
const RESULT_PREFIX = 'DRIFTWATCH_SAMPLE_RESULT ';
const run = promisify(execFile);

export interface InstalledSdk {
  /** The virtualenv's python, with the freshly built wheel installed. */
  python: string;
  /** Temporary copy of sdks/python the wheel was built from (its tests run from here, not from the repository). */
  copy: string;
  wheel: string;
  /** Deletes the temporary copy and the wheel. */
  remove(): void;
}

/** Runs a command, resolving with its output; rejects with both streams when it exits non-zero. */
export async function exec(
  file: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
      maxBuffer: 16 * 1024 * 1024,
      timeout: options.timeout ?? 600_000,
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `${basename(file)} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  }
}

/** Makes (or reuses) the virtualenv, builds the wheel from a copy of sdks/python and installs it. */
export async function buildAndInstallSdk(): Promise<InstalledSdk> {
  const { stdout } = await exec('bash', [SETUP]);
  const python = stdout.trim().split('\n').pop();
  if (!python) throw new Error('scripts/python-sdk.sh printed no python path');
  const work = mkdtempSync(join(tmpdir(), 'driftwatch-python-sdk-'));
  const copy = join(work, 'python');
  cpSync(SDK_SOURCE, copy, {
    recursive: true,
    filter: (path) => !/(__pycache__|\.egg-info|\/build|\.pytest_cache)$/.test(path),
  });
  const wheels = join(work, 'wheels');
  await exec(python, [
    '-m',
    'pip',
    'wheel',
    '--no-deps',
    '--no-build-isolation',
    '--disable-pip-version-check',
    '--quiet',
    '--wheel-dir',
    wheels,
    copy,
  ]);
  const built = readdirSync(wheels).filter((name) => name.endsWith('.whl'));
  if (built.length !== 1) throw new Error(`expected one wheel, got ${built.join(', ') || 'none'}`);
  const wheel = join(wheels, built[0]!);
  // --no-deps: the virtualenv holds the pinned dependencies; `pip check` (in the test) proves they satisfy the wheel.
  await exec(python, [
    '-m',
    'pip',
    'install',
    '--no-deps',
    '--force-reinstall',
    '--disable-pip-version-check',
    '--quiet',
    wheel,
  ]);
  return { python, copy, wheel, remove: () => rmSync(work, { recursive: true, force: true }) };
}

export interface SampleResult {
  answer: string;
  traceId: string;
  spanId: string;
  feedbackKey?: string;
  feedback: { accepted: number; duplicates: number; failed: number; retries: number; pending: number };
  errors: string[];
}

export interface SampleOptions {
  endpoint: string;
  apiKey: string;
  openaiBaseUrl: string;
  userId: string;
  sessionId: string;
  release: string;
  environment: string;
  feedback?: boolean;
  feedbackKey?: string;
  /** The app registers its own TracerProvider before driftwatch.init(), which joins it. */
  ownProvider?: boolean;
}

/** Runs examples/sample_app.py from the copy; rejects (with its output) when it exits non-zero. */
export function runSampleApp(sdk: InstalledSdk, options: SampleOptions): Promise<SampleResult> {
  const args = [
    join(sdk.copy, 'examples', 'sample_app.py'),
    '--user-id',
    options.userId,
    '--session-id',
    options.sessionId,
  ];
  if (options.feedback) args.push('--feedback');
  if (options.feedbackKey) args.push('--feedback-key', options.feedbackKey);
  if (options.ownProvider) args.push('--own-provider');
  return new Promise((resolve, reject) => {
    const child = spawn(sdk.python, args, {
      cwd: sdk.copy,
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        DRIFTWATCH_ENDPOINT: options.endpoint,
        DRIFTWATCH_API_KEY: options.apiKey,
        DRIFTWATCH_RELEASE: options.release,
        DRIFTWATCH_ENVIRONMENT: options.environment,
        OPENAI_BASE_URL: options.openaiBaseUrl,
        OPENAI_API_KEY: 'sk-fake',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as SampleResult);
      reject(
        new Error(
          `sample_app.py exited with ${signal ?? code}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
        ),
      );
    });
  });
}
