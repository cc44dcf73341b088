import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, shutdown } from './client.js';
import { withContext } from './context.js';

/** A local OTLP receiver that counts export requests and their authorization headers. */
let receiver: Server;
let endpoint: string;
const exports: { path: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports.push({ path: req.url ?? '', authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  trace.disable();
  context.disable();
  await new Promise((r) => receiver.close(r));
});

// No instrumentations option: openai is not installed beside libs/sdk, so this also checks that an app without
// openai can init() (the OpenAI instrumentation is skipped instead of failing to load).
const options = () => ({
  endpoint,
  apiKey: 'dw_unit',
  serviceName: 'unit',
  release: '1.0.0',
  environment: 'test',
});

describe('init() tracing', () => {
  it('registers its own provider, exports with the key, and can be set up again after shutdown()', async () => {
    const first = init(options());
    expect(first.tracingMode).toBe('own');
    expect(() => init(options())).toThrow(/already called/);
    trace.getTracer('unit').startSpan('first').end();
    await shutdown();
    expect(exports).toContainEqual({ path: '/v1/traces', authorization: 'Bearer dw_unit' });

    const second = init(options());
    expect(second.tracingMode).toBe('own');
    await shutdown();
  });

  it("joins the app's provider, stamps context on its spans, and detaches on shutdown()", async () => {
    const appExporter = new InMemorySpanExporter();
    const appProvider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'host' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: appExporter })],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(appProvider);
    const processors = (appProvider as unknown as { _activeSpanProcessor: { _spanProcessors: unknown[] } })
      ._activeSpanProcessor._spanProcessors;

    const driftwatch = init(options());
    expect(driftwatch.tracingMode).toBe('attached');
    expect(processors).toHaveLength(3);
    const before = exports.length;
    withContext({ userId: 'u-1' }, () => trace.getTracer('app').startSpan('app-span').end());
    await driftwatch.flush();
    expect(exports.length).toBe(before + 1);
    expect(appExporter.getFinishedSpans()[0]?.attributes['user.id']).toBe('u-1');

    await shutdown();
    expect(processors).toHaveLength(1);
    // The app's provider is still the registered one and still exports.
    trace.getTracer('app').startSpan('after').end();
    expect(appExporter.getFinishedSpans().map((s) => s.name)).toEqual(['app-span', 'after']);
  });
});
