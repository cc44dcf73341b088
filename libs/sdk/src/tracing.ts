import {
  context,
  propagation,
  ProxyTracerProvider,
  trace,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  type ExportResult,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ContextSpanProcessor } from './context.js';
import { DriftwatchError } from './errors.js';
import { instrumentOpenAI } from './openai-instrumentation.js';

export interface TracingOptions {
  endpoint: string;
  apiKey: string;
  serviceName: string;
  release?: string;
  environment?: string;
  /** Passed to the BatchSpanProcessor (defaults: OpenTelemetry's). */
  batch?: { scheduledDelayMillis?: number; maxExportBatchSize?: number; maxQueueSize?: number };
}

export interface InstrumentationOptions {
  /**
   * The `openai` module to instrument. CommonJS apps need nothing (require('openai') is hooked); ESM apps pass it:
   * `import * as openai from 'openai'` then `instrumentations: { openai }` (the OpenAI class works too). `false`
   * turns the OpenAI instrumentation off (e.g. the app already has one). Without openai installed and nothing
   * passed, there is no OpenAI instrumentation and no error.
   */
  openai?: unknown;
}

export interface Tracing {
  /** 'own': init() registered its tracer provider; 'attached': it joined the app's. */
  mode: 'own' | 'attached';
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The resource attributes Driftwatch reads: service, release (service.version) and environment. */
function resourceAttributes(options: TracingOptions): Record<string, string> {
  const attributes: Record<string, string> = { 'service.name': options.serviceName };
  if (options.release) attributes['service.version'] = options.release;
  if (options.environment) attributes['deployment.environment.name'] = options.environment;
  return attributes;
}

function exporterFor(options: TracingOptions): OTLPTraceExporter {
  return new OTLPTraceExporter({
    url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces`,
    headers: { Authorization: `Bearer ${options.apiKey}` },
  });
}

/**
 * The span processors that send to Driftwatch, for apps that build their own tracer provider:
 * `new TracerProvider({ spanProcessors: [...yours, ...driftwatchSpanProcessors(options)] })`. The spans keep the
 * app's resource, with service name, release and environment set from `options`.
 */
export function driftwatchSpanProcessors(options: TracingOptions): SpanProcessor[] {
  const exporter = new ResourceOverride(
    exporterFor(options),
    resourceFromAttributes(resourceAttributes(options)),
  );
  return [new ContextSpanProcessor(), new BatchSpanProcessor({ exporter, ...options.batch })];
}

/** Sets up tracing: joins the app's registered tracer provider when there is one, else registers its own. */
export function setupTracing(
  options: TracingOptions,
  instrumentations: InstrumentationOptions = {},
): Tracing {
  const existing = registeredProvider();
  let tracing: Tracing;
  let provider: ApiTracerProvider;
  if (existing) {
    const processors = driftwatchSpanProcessors(options);
    attachProcessors(existing, processors);
    provider = existing;
    tracing = {
      mode: 'attached',
      forceFlush: () => Promise.all(processors.map((p) => p.forceFlush())).then(() => undefined),
      shutdown: async () => {
        detachProcessors(existing, processors);
        await Promise.all(processors.map((p) => p.shutdown()));
      },
    };
  } else {
    const own = new TracerProvider({
      resource: defaultResource().merge(resourceFromAttributes(resourceAttributes(options))),
      spanProcessors: [
        new ContextSpanProcessor(),
        new BatchSpanProcessor({ exporter: exporterFor(options), ...options.batch }),
      ],
    });
    // Each returns false when the app registered one already; theirs is kept.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
    trace.setGlobalTracerProvider(own);
    provider = own;
    tracing = {
      mode: 'own',
      forceFlush: () => own.forceFlush(),
      shutdown: async () => {
        await own.shutdown();
        trace.disable();
      },
    };
  }
  const openai = instrumentOpenAI(provider, instrumentations.openai);
  return {
    ...tracing,
    shutdown: async () => {
      openai?.disable();
      await tracing.shutdown();
    },
  };
}

/** The shapes of SDK tracer providers that accept span processors after construction. */
interface ProcessorHost {
  addSpanProcessor?: (processor: SpanProcessor) => void;
  _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] };
  _registeredSpanProcessors?: SpanProcessor[];
}

/** The tracer provider the app registered, or null when none (the API's no-op one). */
function registeredProvider(): (ApiTracerProvider & ProcessorHost) | null {
  const global = trace.getTracerProvider() as ApiTracerProvider & { getDelegate?: () => ApiTracerProvider };
  const delegate = global.getDelegate ? global.getDelegate() : global;
  // An unset proxy delegates to the API's no-op provider.
  const noop = new ProxyTracerProvider().getDelegate();
  if (!delegate || delegate === noop || delegate.constructor?.name === 'NoopTracerProvider') return null;
  return delegate as ApiTracerProvider & ProcessorHost;
}

/**
 * OpenTelemetry JS 1.x providers have addSpanProcessor; 2.x and 3.x take processors only in their constructor and
 * keep them in one list, which is the only way in after the fact.
 */
function attachProcessors(provider: ProcessorHost, processors: SpanProcessor[]): void {
  const list = provider._activeSpanProcessor?._spanProcessors;
  if (Array.isArray(list)) {
    list.push(...processors);
  } else if (typeof provider.addSpanProcessor === 'function') {
    for (const processor of processors) provider.addSpanProcessor(processor);
  } else {
    throw new DriftwatchError(
      'the app registered a tracer provider that does not accept span processors after it was made: pass ' +
        'driftwatchSpanProcessors(options) to its spanProcessors instead of calling init()',
    );
  }
}

function detachProcessors(provider: ProcessorHost, processors: SpanProcessor[]): void {
  for (const list of [provider._activeSpanProcessor?._spanProcessors, provider._registeredSpanProcessors]) {
    if (!Array.isArray(list)) continue;
    for (const processor of processors) {
      const index = list.indexOf(processor);
      if (index >= 0) list.splice(index, 1);
    }
  }
}

/**
 * Exports the app's spans with Driftwatch's service name, release and environment laid over the app's resource
 * (one merged resource per app resource, so spans stay grouped by resource in the request).
 */
class ResourceOverride implements SpanExporter {
  private readonly merged = new WeakMap<Resource, Resource>();

  constructor(
    private readonly inner: SpanExporter,
    private readonly override: Resource,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(
      spans.map(
        (span) =>
          Object.create(span, { resource: { value: this.resourceFor(span.resource) } }) as ReadableSpan,
      ),
      done,
    );
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  private resourceFor(resource: Resource): Resource {
    let merged = this.merged.get(resource);
    if (!merged) {
      merged = resource.merge(this.override);
      this.merged.set(resource, merged);
    }
    return merged;
  }
}
