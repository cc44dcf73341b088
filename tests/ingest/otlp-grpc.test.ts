import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPythonOpenInference } from '../clients/index.ts';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';

let server: DriftwatchServer;
let client: grpc.Client;

beforeAll(async () => {
  server = await DriftwatchServer.start();
  client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.stop();
});

/** A raw unary Export call, so tests control the bytes and see the status. */
function exportRaw(
  body: Uint8Array,
  key: string | null,
): Promise<{ response?: Buffer; error?: grpc.ServiceError }> {
  const metadata = new grpc.Metadata();
  if (key) metadata.set('authorization', `Bearer ${key}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      metadata,
      (error, response) => resolve(error ? { error } : { response: response as Buffer }),
    );
  });
}

function rejectedSpans(bytes: Buffer): number {
  const outer = protobuf.Reader.create(bytes);
  while (outer.pos < outer.len) {
    const tag = outer.uint32();
    if (tag >>> 3 !== 1) {
      outer.skipType(tag & 7);
      continue;
    }
    const inner = protobuf.Reader.create(outer.bytes());
    while (inner.pos < inner.len) {
      const t = inner.uint32();
      if (t >>> 3 === 1) return Number(inner.int64());
      inner.skipType(t & 7);
    }
  }
  return 0;
}

describe('OTLP/gRPC receiver', () => {
  it('takes spans from the OpenTelemetry JS gRPC exporter, authenticated by metadata', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${server.apiKey}`);
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.grpcPort}`, metadata });
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-client' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = provider.getTracer('it');
    let traceId = '';
    tracer.startActiveSpan('chat gpt-4o-mini', (span) => {
      span.setAttributes({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 10,
        'gen_ai.usage.output_tokens': 5,
      });
      traceId = span.spanContext().traceId;
      span.end();
    });
    await provider.forceFlush();
    await provider.shutdown();
    const stored = (await server.json(`/api/traces/${traceId}`)) as {
      spans: Array<{
        name: string;
        resource: Record<string, unknown>;
        llm: { usage: { inputTokens: number } };
      }>;
    };
    expect(stored.spans).toHaveLength(1);
    expect(stored.spans[0]?.resource['service.name']).toBe('grpc-client');
    expect(stored.spans[0]?.llm.usage.inputTokens).toBe(10);
  });

  it('takes spans from the Python SDK gRPC exporter with an OpenAI instrumentation', async () => {
    const fake = await startFakeOpenAI();
    try {
      const result = await runPythonOpenInference({
        // nothing listens here: the spans can only arrive over gRPC
        otlpEndpoint: 'http://127.0.0.1:9',
        grpcEndpoint: `127.0.0.1:${server.grpcPort}`,
        apiKey: server.apiKey,
        openaiBaseUrl: fake.baseUrl,
        userId: 'py-grpc-user',
        sessionId: 'py-grpc-session',
      });
      expect(result.traceIds.length).toBeGreaterThan(0);
      const first = (await server.json(`/api/traces/${result.traceIds[0]}`)) as {
        spans: Array<{ llm: { requestModel: string; inputMessages: unknown[] } | null }>;
      };
      const llm = first.spans.find((s) => s.llm)?.llm;
      expect(llm?.requestModel).toBe('gpt-4o-mini');
      expect(llm?.inputMessages.length).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  }, 600_000);

  it('reports the exporter failure for a wrong key and stores nothing', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer dw_${'z'.repeat(32)}`);
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.grpcPort}`, metadata });
    const provider = new TracerProvider({ spanProcessors: [] });
    const span = provider.getTracer('it').startSpan('refused');
    span.end();
    const result = await new Promise<{ code: ExportResultCode }>((resolve) =>
      exporter.export([span as never], resolve),
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((await server.fetch(`/api/traces/${span.spanContext().traceId}`)).status).toBe(404);
    await exporter.shutdown();
  });

  it('answers UNAUTHENTICATED, INVALID_ARGUMENT and partial success like the HTTP receiver', async () => {
    expect((await exportRaw(otlpProtobuf([simpleSpan()]), null)).error?.code).toBe(
      grpc.status.UNAUTHENTICATED,
    );
    const garbage = await exportRaw(Buffer.from('definitely not protobuf \u00ff'), server.apiKey);
    expect(garbage.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(garbage.error?.details).toMatch(/malformed OTLP protobuf/);
    const good = simpleSpan();
    const partial = await exportRaw(otlpProtobuf([good, simpleSpan({ spanId: '00' })]), server.apiKey);
    expect(partial.error).toBeUndefined();
    expect(rejectedSpans(partial.response!)).toBe(1);
    expect((await server.fetch(`/api/traces/${good.traceId}`)).status).toBe(200);
  });

  it('refuses a message over the size limit with RESOURCE_EXHAUSTED', async () => {
    const small = await DriftwatchServer.start({
      env: { DRIFTWATCH_MAX_DECOMPRESSED_BYTES: String(64 * 1024) },
    });
    const smallClient = new grpc.Client(`127.0.0.1:${small.grpcPort}`, grpc.credentials.createInsecure());
    try {
      const big = otlpProtobuf(Array.from({ length: 2000 }, () => simpleSpan()));
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${small.apiKey}`);
      const error = await new Promise<grpc.ServiceError | null>((resolve) =>
        smallClient.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from(big),
          metadata,
          (e) => resolve(e),
        ),
      );
      expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    } finally {
      smallClient.close();
      await small.stop();
    }
  });
});
