/**
 * Runs tests/clients/python/openai_client.py in the virtualenv made by scripts/python-clients.sh (created on first
 * use; pip needs the PyPI registry). Flavours: openinference (openinference-instrumentation-openai),
 * otel (opentelemetry-instrumentation-openai-v2), openllmetry (opentelemetry-instrumentation-openai by Traceloop).
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ClientOptions, ClientResult } from './common.ts';

export type PythonFlavour = 'openinference' | 'otel' | 'openllmetry';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./python/openai_client.py', import.meta.url));
const SETUP = `${ROOT}scripts/python-clients.sh`;
const PREFIX = 'DRIFTWATCH_CLIENT_RESULT ';

let pythonPath: Promise<string> | undefined;

/** Path of the virtualenv's python, running the idempotent setup script once per process. */
export function pythonClientsPython(): Promise<string> {
  pythonPath ??= promisify(execFile)('bash', [SETUP], {
    cwd: ROOT,
    maxBuffer: 10 * 1024 * 1024,
    timeout: 600_000,
  }).then(({ stdout }) => {
    const path = stdout.trim().split('\n').pop();
    if (!path) throw new Error('scripts/python-clients.sh printed no python path');
    return path;
  });
  return pythonPath;
}

export async function runPythonClient(
  flavour: PythonFlavour,
  options: ClientOptions,
  timeoutMs = 60_000,
): Promise<ClientResult> {
  const python = await pythonClientsPython();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT, flavour], {
      cwd: ROOT,
      env: { ...process.env, DRIFTWATCH_CLIENT_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(PREFIX));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(PREFIX.length)) as ClientResult);
      reject(
        new Error(
          `python client ${flavour} exited with ${signal ?? code}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
        ),
      );
    });
  });
}
