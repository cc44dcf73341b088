/**
 * Shared pieces of the real-client modules: the options every client takes, what it reports back, and the
 * OpenTelemetry SDK setup (global tracer provider + async context + OTLP exporter with the bearer token).
 * A client module registers OpenTelemetry globals, so run at most one client per process (see run-client.ts).
 */
import { context, propagation, trace, type Span as ApiSpan } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

export interface ClientOptions {
  /** OTLP/HTTP base URL (e.g. http://127.0.0.1:4318); a trailing /v1/traces is accepted too. */
  otlpEndpoint: string;
  /** Sent as `Authorization: Bearer <apiKey>` on every export. */
  apiKey: string;
  /** OpenAI-compatible base URL including /v1 (tests/support/fake-openai.ts). */
  openaiBaseUrl: string;
  userId: string;
  sessionId: string;
  /** host:port of an OTLP/gRPC receiver; the Python clients then export over gRPC instead of HTTP. */
  grpcEndpoint?: string;
  /** The app's release and environment (OTel resource service.version, deployment.environment.name). */
  release?: string;
  environment?: string;
}

export interface ClientResult {
  client: string;
  /** Distinct trace ids of the spans this client ended, in order of first appearance. */
  traceIds: string[];
  /** Name of every span ended in this process, in end order. */
  spanNames: string[];
  /** What the client did, one line per LLM call (e.g. "chat tool_calls", "chat stop", "embeddings"). */
  calls: string[];
  /** Versions of the libraries involved. */
  versions: Record<string, string>;
}

export const CHAT_MODEL = 'gpt-4o-mini';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const WEATHER_QUESTION = 'What is the weather in Paris today?';
export const PLAIN_QUESTION = 'Say hello to Driftwatch in five words.';
export const SYSTEM_PROMPT = 'You are a concise assistant for the Driftwatch end-to-end tests.';
export const WEATHER_RESULT = { city: 'Paris', temperature_c: 21, conditions: 'sunny' };

export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

export function tracesUrl(otlpEndpoint: string): string {
  const base = otlpEndpoint.replace(/\/+$/, '').replace(/\/v1\/traces$/, '');
  return `${base}/v1/traces`;
}

export function authHeaders(apiKey: string): Record<string, string> {
  return { Authorization: `Bearer ${apiKey}` };
}

/** Records every ended span's trace id and name, in-process, so a client can report what it emitted. */
export class SpanRecorder {
  readonly traceIds: string[] = [];
  readonly spanNames: string[] = [];
  onStart(): void {}
  onEnd(span: Pick<ReadableSpan, 'name' | 'spanContext'>): void {
    const traceId = span.spanContext().traceId;
    if (!this.traceIds.includes(traceId)) this.traceIds.push(traceId);
    this.spanNames.push(span.name);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface Telemetry {
  provider: TracerProvider;
  recorder: SpanRecorder;
  /** Flushes the exporter and shuts the provider down. */
  shutdown(): Promise<void>;
}

/**
 * Registers a global TracerProvider (AsyncLocalStorage context, W3C propagation) exporting through `exporter` in
 * one batch: the batch processor's timer is long, so the final forceFlush sends everything in one request.
 */
export function registerTelemetry(
  exporter: SpanExporter,
  serviceName: string,
  app: { release?: string; environment?: string } = {},
): Telemetry {
  const recorder = new SpanRecorder();
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': serviceName,
        'service.version': app.release ?? '0.1.0',
        'deployment.environment.name': app.environment ?? 'e2e',
      }),
    ),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: 60_000,
        maxExportBatchSize: 1000,
        maxQueueSize: 4000,
      }),
      recorder,
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    provider,
    recorder,
    shutdown: async () => {
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
}

export function traceIdOf(span: ApiSpan): string {
  return span.spanContext().traceId;
}

/** Reads `version` from an installed package.json (works for npm aliases such as openai6). */
export async function packageVersion(name: string): Promise<string> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const root = fileURLToPath(new URL('../../node_modules/', import.meta.url));
    return (JSON.parse(await readFile(`${root}${name}/package.json`, 'utf8')) as { version: string }).version;
  }
}

export async function versionsOf(names: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = await packageVersion(name).catch(() => 'unknown');
  return out;
}
