import { gzipSync } from 'node:zlib';
import { traceDetailSchema, traceListPageSchema } from '@driftwatch/api-schema';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpJson, otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';

let server: DriftwatchServer;

beforeAll(async () => {
  server = await DriftwatchServer.start({
    env: {
      DRIFTWATCH_MAX_BODY_BYTES: String(1024 * 1024),
      DRIFTWATCH_MAX_DECOMPRESSED_BYTES: String(4 * 1024 * 1024),
    },
  });
});
afterAll(async () => {
  await server?.stop();
});

const post = (
  body: Uint8Array<ArrayBuffer> | string,
  headers: Record<string, string>,
  key: string | null = server.apiKey,
) => server.fetch('/v1/traces', { method: 'POST', body, headers }, key);
const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

/** ExportTracePartialSuccess.rejected_spans from an ExportTraceServiceResponse, 0 when absent. */
function rejectedSpans(bytes: Uint8Array): number {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) {
      reader.skipType(tag & 7);
      continue;
    }
    const inner = protobuf.Reader.create(reader.bytes());
    while (inner.pos < inner.len) {
      const t = inner.uint32();
      if (t >>> 3 === 1) return Number(inner.int64());
      inner.skipType(t & 7);
    }
  }
  return 0;
}

async function traceIds(key: string): Promise<string[]> {
  const page = traceListPageSchema.parse(await server.json('/api/traces?limit=500', key));
  return page.items.map((t) => t.traceId);
}

describe('OTLP/HTTP receiver', () => {
  it('stores protobuf spans before answering 200 with an empty ExportTraceServiceResponse', async () => {
    const span = simpleSpan({
      attributes: { 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.operation.name': 'chat' },
    });
    const response = await post(otlpProtobuf([span]), PROTO);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-protobuf');
    expect(rejectedSpans(new Uint8Array(await response.arrayBuffer()))).toBe(0);
    // no waiting: the 200 means stored
    const trace = traceDetailSchema.parse(await server.json(`/api/traces/${span.traceId}`));
    expect(trace.spans.map((s) => s.spanId)).toEqual([span.spanId]);
    expect(trace.spans[0]?.llm?.requestModel).toBe('gpt-4o-mini');
  });

  it('accepts OTLP/JSON, plain and gzip-compressed', async () => {
    const plain = simpleSpan();
    const zipped = simpleSpan();
    expect((await post(otlpJson([plain]), JSON_TYPE)).status).toBe(200);
    const response = await post(gzipSync(otlpJson([zipped])), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const ids = await traceIds(server.apiKey);
    expect(ids).toEqual(expect.arrayContaining([plain.traceId, zipped.traceId]));
  });

  it('answers partial success for spans with invalid ids and keeps the valid ones (JSON)', async () => {
    const good = simpleSpan();
    const bad = simpleSpan({ spanId: 'not-hex!' });
    const response = await post(otlpJson([good, bad]), JSON_TYPE);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(Number(body.partialSuccess.rejectedSpans)).toBe(1);
    expect(body.partialSuccess.errorMessage).toContain('spanId');
    expect(await traceIds(server.apiKey)).toContain(good.traceId);
  });

  it('answers partial success for spans with invalid ids (protobuf)', async () => {
    const good = simpleSpan();
    const shortTraceId = simpleSpan({ traceId: 'abcdef' });
    const zeroSpanId = simpleSpan({ spanId: '0000000000000000' });
    const response = await post(otlpProtobuf([good, shortTraceId, zeroSpanId]), PROTO);
    expect(response.status).toBe(200);
    expect(rejectedSpans(new Uint8Array(await response.arrayBuffer()))).toBe(2);
    expect(await traceIds(server.apiKey)).toContain(good.traceId);
  });

  it.each([
    [
      'garbage protobuf',
      Buffer.from('this is not protobuf at all \u00ff\u00fe'),
      PROTO,
      400,
      /malformed OTLP protobuf/,
    ],
    ['malformed JSON', '{"resourceSpans": [', JSON_TYPE, 400, /malformed OTLP json/],
    ['wrong content type', 'hello', { 'content-type': 'text/plain' }, 415, /unsupported content type/],
    [
      'corrupt gzip',
      Buffer.from('not gzip'),
      { ...JSON_TYPE, 'content-encoding': 'gzip' },
      400,
      /not valid gzip/,
    ],
    [
      'unknown encoding',
      otlpJson([simpleSpan()]),
      { ...JSON_TYPE, 'content-encoding': 'br' },
      415,
      /not supported/,
    ],
  ])(
    'rejects %s with %i and a message saying what was wrong',
    async (_name, body, headers, status, message) => {
      const response = await post(body, headers);
      expect(response.status).toBe(status);
      expect(await response.text()).toMatch(message);
    },
  );

  it('answers 401 without a key or with an unknown key, storing nothing', async () => {
    const span = simpleSpan();
    expect((await post(otlpJson([span]), JSON_TYPE, null)).status).toBe(401);
    expect((await post(otlpJson([span]), JSON_TYPE, 'dw_' + 'x'.repeat(32))).status).toBe(401);
    expect((await post(otlpJson([span]), JSON_TYPE, 'Basic abc')).status).toBe(401);
    expect(await traceIds(server.apiKey)).not.toContain(span.traceId);
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await post(Buffer.alloc(2 * 1024 * 1024, 1), PROTO);
    expect(response.status).toBe(413);
  });

  it('answers 413 for a gzip bomb without inflating it, and stays healthy', async () => {
    const bomb = gzipSync(Buffer.alloc(128 * 1024 * 1024, 0), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024); // 128 MiB inflated, 32x the 4 MiB limit
    const response = await post(bomb, { ...PROTO, 'content-encoding': 'gzip' });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('decompressed body exceeds');
    const status = await import('node:fs').then((fs) =>
      fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'),
    );
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    expect(peakKb).toBeLessThan(512 * 1024);
    expect((await post(otlpJson([simpleSpan()]), JSON_TYPE)).status).toBe(200);
  });

  it('keeps projects apart: another project key sees none of this data, and vice versa', async () => {
    const mine = simpleSpan();
    const theirs = simpleSpan();
    expect((await post(otlpJson([mine]), JSON_TYPE)).status).toBe(200);
    expect((await post(otlpJson([theirs]), JSON_TYPE, server.otherProjectKey)).status).toBe(200);
    const otherIds = await traceIds(server.otherProjectKey);
    expect(otherIds).toEqual([theirs.traceId]);
    expect(await traceIds(server.apiKey)).not.toContain(theirs.traceId);
    expect((await server.fetch(`/api/traces/${mine.traceId}`, {}, server.otherProjectKey)).status).toBe(404);
    const metrics = (await server.json('/api/metrics/summary', server.otherProjectKey)) as {
      totals: unknown[];
    };
    expect(metrics.totals).toEqual([]);
  });
});

describe('REST API', () => {
  it('rejects bad queries with 400 naming the field', async () => {
    const response = await server.fetch('/api/traces?limit=0&status=maybe');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain('limit');
    expect(body.message).toContain('status');
    expect((await server.fetch('/api/traces?unknownFilter=1')).status).toBe(400);
    expect((await server.fetch('/api/traces/not-a-trace-id')).status).toBe(400);
    expect((await server.fetch('/api/traces?cursor=bogus')).status).toBe(400);
  });

  it('answers 404 for a trace that does not exist and 401 without a key', async () => {
    expect((await server.fetch(`/api/traces/${'ab'.repeat(16)}`)).status).toBe(404);
    expect((await server.fetch('/api/traces', {}, null)).status).toBe(401);
  });

  it('serves its OpenAPI document', async () => {
    const doc = (await server.json('/api/openapi.json', null)) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/traces', '/api/traces/{traceId}', '/api/metrics/summary', '/v1/traces']),
    );
  });

  it('reports liveness and readiness', async () => {
    expect((await server.fetch('/healthz', {}, null)).status).toBe(200);
    expect(await server.json('/readyz', null)).toMatchObject({ status: 'ready' });
  });
});
