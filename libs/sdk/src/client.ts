import { isSpanContextValid, trace } from '@opentelemetry/api';
import { DriftwatchError } from './errors.js';
import type { FeedbackInput } from './feedback/item.js';
import { FeedbackQueue, type FeedbackQueueOptions, type FeedbackStats } from './feedback/queue.js';
import { setupTracing, type InstrumentationOptions, type Tracing, type TracingOptions } from './tracing.js';

export interface DriftwatchOptions {
  /** Driftwatch's base URL (the OTLP/HTTP port, e.g. http://localhost:4318); traces go to /v1/traces. */
  endpoint: string;
  /** A project API key (`dw_…`), sent as `Authorization: Bearer`. */
  apiKey: string;
  /** `service.name` of the spans. */
  serviceName: string;
  /** Your app's version or commit (`service.version`): Driftwatch compares releases. */
  release?: string;
  /** e.g. production, staging (`deployment.environment.name`). */
  environment?: string;
  instrumentations?: InstrumentationOptions;
  /** Batching of spans (BatchSpanProcessor options). */
  traces?: TracingOptions['batch'];
  /** Buffering, batching and retries of feedback. */
  feedback?: Omit<FeedbackQueueOptions, 'endpoint' | 'apiKey'>;
}

/** One initialised SDK: tracing plus the feedback sender. The module functions act on the one init() made. */
export class Driftwatch {
  private readonly queue: FeedbackQueue;
  private readonly onBeforeExit = () => {
    // Short scripts that never call shutdown(): send what is buffered when the event loop runs dry.
    if (this.queue.stats().queued > 0) void this.queue.flush().catch(() => undefined);
  };

  private constructor(
    private readonly tracing: Tracing,
    options: DriftwatchOptions,
  ) {
    this.queue = new FeedbackQueue({
      endpoint: options.endpoint,
      apiKey: options.apiKey,
      ...options.feedback,
    });
    globalThis.process?.on?.('beforeExit', this.onBeforeExit);
  }

  static create(options: DriftwatchOptions): Driftwatch {
    checkOptions(options);
    const tracing = setupTracing(
      {
        endpoint: options.endpoint,
        apiKey: options.apiKey,
        serviceName: options.serviceName,
        release: options.release,
        environment: options.environment,
        batch: options.traces,
      },
      options.instrumentations,
    );
    return new Driftwatch(tracing, options);
  }

  /** 'own' when this SDK registered the tracer provider, 'attached' when it joined the app's. */
  get tracingMode(): 'own' | 'attached' {
    return this.tracing.mode;
  }

  feedback(item: FeedbackInput): string {
    return this.queue.enqueue(item);
  }

  feedbackStats(): FeedbackStats {
    return this.queue.stats();
  }

  /** Sends buffered spans and feedback; rejects when feedback could not be delivered (see FeedbackDeliveryError). */
  async flush(): Promise<void> {
    const [spans, feedback] = await Promise.allSettled([this.tracing.forceFlush(), this.queue.flush()]);
    if (feedback.status === 'rejected') throw feedback.reason;
    if (spans.status === 'rejected') throw spans.reason;
  }

  /** Flushes, then stops: tracing is unregistered (or detached from the app's provider) and feedback refused. */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    globalThis.process?.off?.('beforeExit', this.onBeforeExit);
    const [feedback, spans] = await Promise.allSettled([
      this.queue.shutdown(timeoutMs),
      this.tracing.shutdown(),
    ]);
    if (feedback.status === 'rejected') throw feedback.reason;
    if (spans.status === 'rejected') throw spans.reason;
  }
}

function checkOptions(options: DriftwatchOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new DriftwatchError('init() takes an options object');
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new DriftwatchError(
      `init(): endpoint must be an http(s) URL, got ${JSON.stringify(options.endpoint)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DriftwatchError(
      `init(): endpoint must be an http(s) URL, got ${JSON.stringify(options.endpoint)}`,
    );
  }
  if (typeof options.apiKey !== 'string' || options.apiKey.trim() === '') {
    throw new DriftwatchError('init(): apiKey is required (a project key, dw_…)');
  }
  if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
    throw new DriftwatchError('init(): serviceName is required');
  }
}

let active: Driftwatch | null = null;

/**
 * Sets up tracing to Driftwatch (OpenTelemetry with the OTLP exporter and the OpenAI instrumentation, or joins the
 * app's registered tracer provider) and the feedback sender. Call it once, before the app makes LLM calls.
 */
export function init(options: DriftwatchOptions): Driftwatch {
  if (active) throw new DriftwatchError('init() was already called: call shutdown() before calling it again');
  active = Driftwatch.create(options);
  return active;
}

function current(what: string): Driftwatch {
  if (!active) throw new DriftwatchError(`${what} before init()`);
  return active;
}

/**
 * Buffers one feedback item for sending; returns its idempotency key. Throws FeedbackValidationError (bad item,
 * naming the field) or FeedbackQueueFullError (buffer full; the item is not kept).
 */
export function feedback(item: FeedbackInput): string {
  return current('feedback()').feedback(item);
}

/** Sends buffered spans and feedback now. */
export function flush(): Promise<void> {
  return current('flush()').flush();
}

/** Flushes and stops; init() may be called again afterwards. */
export async function shutdown(timeoutMs?: number): Promise<void> {
  const instance = current('shutdown()');
  active = null;
  await instance.shutdown(timeoutMs);
}

/** The trace id of the active span (e.g. inside an instrumented request handler), for feedback(); else undefined. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The span id of the active span, else undefined. */
export function currentSpanId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.spanId : undefined;
}
