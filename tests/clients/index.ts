/**
 * Entry point for tests: each function runs one real client in its own child process (OpenTelemetry globals and
 * module patching must not leak between clients) with the repository's Node 24, and resolves with its ClientResult.
 *
 *   const result = await runOpenInferenceOpenAI({ otlpEndpoint, apiKey, openaiBaseUrl, userId, sessionId });
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientOptions, ClientResult } from './common.ts';
import { RESULT_PREFIX, type ClientName } from './run-client.ts';
import { runPythonClient } from './python.ts';

export type { ClientOptions, ClientResult } from './common.ts';
export type { ClientName } from './run-client.ts';
export { runPythonClient, type PythonFlavour } from './python.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE_BIN = `${ROOT}node_modules/.bin/node`;
const RUNNER = fileURLToPath(new URL('./run-client.ts', import.meta.url));

export const NODE_CLIENTS: ClientName[] = [
  'genai-manual-proto',
  'genai-manual-json',
  'openinference-openai',
  'otel-openai',
  'traceloop-openai',
  'traceloop-sdk',
  'vercel-ai-6',
  'vercel-ai-7',
];

/** Spawns `node tests/clients/run-client.ts <name>` (options in DRIFTWATCH_CLIENT_OPTIONS); rejects with the child's stderr on failure. */
export function runClient(
  name: ClientName,
  options: ClientOptions,
  timeoutMs = 60_000,
): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE_BIN, [RUNNER, name], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1', DRIFTWATCH_CLIENT_OPTIONS: JSON.stringify(options) },
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
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ClientResult);
      reject(
        new Error(
          `client ${name} exited with ${signal ?? code}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
        ),
      );
    });
  });
}

export const runGenAIManualProto = (o: ClientOptions) => runClient('genai-manual-proto', o);
export const runGenAIManualHttpJson = (o: ClientOptions) => runClient('genai-manual-json', o);
export const runOpenInferenceOpenAI = (o: ClientOptions) => runClient('openinference-openai', o);
export const runOtelOpenAI = (o: ClientOptions) => runClient('otel-openai', o);
export const runTraceloopOpenAI = (o: ClientOptions) => runClient('traceloop-openai', o);
export const runTraceloopSdk = (o: ClientOptions) => runClient('traceloop-sdk', o);
export const runVercelAi6 = (o: ClientOptions) => runClient('vercel-ai-6', o);
export const runVercelAi7 = (o: ClientOptions) => runClient('vercel-ai-7', o);
export const runPythonOpenInference = (o: ClientOptions) => runPythonClient('openinference', o);
export const runPythonOtelGenAI = (o: ClientOptions) => runPythonClient('otel', o);
export const runPythonOpenLLMetry = (o: ClientOptions) => runPythonClient('openllmetry', o);

/** Every client, Node and Python, by the name used for its fixture file. */
export const ALL_CLIENTS: Record<string, (o: ClientOptions) => Promise<ClientResult>> = {
  ...Object.fromEntries(NODE_CLIENTS.map((name) => [name, (o: ClientOptions) => runClient(name, o)])),
  'python-openinference': runPythonOpenInference,
  'python-otel-genai': runPythonOtelGenAI,
  'python-openllmetry': runPythonOpenLLMetry,
};
