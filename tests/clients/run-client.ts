/**
 * Runs one real client in this process and prints its ClientResult as one JSON line prefixed with RESULT_PREFIX.
 *
 *   DRIFTWATCH_CLIENT_OPTIONS='<ClientOptions as JSON>' node tests/clients/run-client.ts <client>
 *   node tests/clients/run-client.ts <client>     # options from DRIFTWATCH_OTLP_ENDPOINT, DRIFTWATCH_API_KEY,
 *                                                 # DRIFTWATCH_OPENAI_BASE_URL, DRIFTWATCH_USER_ID, DRIFTWATCH_SESSION_ID
 *
 * Options travel in the environment, not argv: resource detectors record process.command_args on every span.
 *
 * Only the chosen client module is imported, so its instrumentation is registered before its LLM library loads.
 */
import type { ClientOptions, ClientResult } from './common.ts';

export const RESULT_PREFIX = 'DRIFTWATCH_CLIENT_RESULT ';

export const CLIENTS = {
  'genai-manual-proto': async (o: ClientOptions) =>
    (await import('./genai-manual.ts')).runGenAIManualProto(o),
  'genai-manual-json': async (o: ClientOptions) =>
    (await import('./genai-manual.ts')).runGenAIManualHttpJson(o),
  'openinference-openai': async (o: ClientOptions) =>
    (await import('./openinference-openai.ts')).runOpenInferenceOpenAI(o),
  'otel-openai': async (o: ClientOptions) => (await import('./otel-openai.ts')).runOtelOpenAI(o),
  'traceloop-openai': async (o: ClientOptions) =>
    (await import('./traceloop-openai.ts')).runTraceloopOpenAI(o),
  'traceloop-sdk': async (o: ClientOptions) => (await import('./traceloop-sdk.ts')).runTraceloopSdk(o),
  'vercel-ai-6': async (o: ClientOptions) => (await import('./vercel-ai6.ts')).runVercelAi6(o),
  'vercel-ai-7': async (o: ClientOptions) => (await import('./vercel-ai7.ts')).runVercelAi7(o),
} satisfies Record<string, (o: ClientOptions) => Promise<ClientResult>>;

export type ClientName = keyof typeof CLIENTS;

function optionsFromEnv(): ClientOptions {
  const need = (name: string, fallback?: string): string => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    otlpEndpoint: need('DRIFTWATCH_OTLP_ENDPOINT'),
    apiKey: need('DRIFTWATCH_API_KEY'),
    openaiBaseUrl: need('DRIFTWATCH_OPENAI_BASE_URL'),
    userId: need('DRIFTWATCH_USER_ID', 'user-e2e'),
    sessionId: need('DRIFTWATCH_SESSION_ID', 'session-e2e'),
  };
}

async function main(): Promise<void> {
  const [name] = process.argv.slice(2);
  if (!name || !(name in CLIENTS)) {
    console.error(`usage: run-client.ts <${Object.keys(CLIENTS).join('|')}>`);
    process.exit(2);
  }
  const json = process.env.DRIFTWATCH_CLIENT_OPTIONS;
  delete process.env.DRIFTWATCH_CLIENT_OPTIONS;
  const options = json ? (JSON.parse(json) as ClientOptions) : optionsFromEnv();
  const result = await CLIENTS[name as ClientName](options);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

if (import.meta.main) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
