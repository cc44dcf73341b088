/**
 * Input that ClickHouse would refuse, sent over OTLP/HTTP (JSON and protobuf) to the real server: lone UTF-16
 * surrogates in a span's strings, a span ending after 2286 (a valid uint64), spans on 101 different days.
 * Each is handled at the edge: surrogates are stored as U+FFFD, the far-future span is rejected alone through
 * partial_success, the 101 days are stored in several inserts. Every valid span is readable, and the next
 * normal export is stored (a 200 means stored), so one client cannot stall ingest for the others.
 */
import { traceDetailSchema, traceListPageSchema } from '@driftwatch/api-schema';
import protobuf from 'protobufjs/minimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { hexId } from '../support/otlp-payloads.js';

const DAY_NS = 86_400_000_000_000n;
/** 2286-11-20: past DateTime64(9)'s end (2262), still a valid uint64. */
const YEAR_2286 = 10_000_000_000_000_000_000n;
/** The server's export deadline here (default 10 s), and a client guard past it. Not timing assertions. */
const EXPORT_DEADLINE_MS = 60_000;
const REQUEST_GUARD_MS = 90_000;

type SpanView = ReturnType<typeof traceDetailSchema.parse>['spans'][number];

let server: DriftwatchServer;

beforeAll(async () => {
  server = await DriftwatchServer.start({
    env: {
      // A year of retention: the 101-day request must not meet the default 30-day TTL.
      DRIFTWATCH_RETENTION_DAYS: '365',
      // Writing 101 partitions takes seconds on a busy shared machine; past the export deadline (10 s) the
      // server would answer 503 and let the exporter retry. This test is about what is stored, not how fast.
      DRIFTWATCH_EXPORT_TIMEOUT_MS: String(EXPORT_DEADLINE_MS),
    },
  });
});
afterAll(async () => {
  await server?.stop();
});

interface Span {
  traceId: string;
  spanId: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  statusMessage?: string;
  attributes?: Record<string, string>;
}

type Format = 'json' | 'protobuf';

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

function span(overrides: Partial<Span> = {}): Span {
  const startNs = nowNs();
  return {
    traceId: hexId(16),
    spanId: hexId(8),
    name: 'ok span',
    startNs,
    endNs: startNs + 1_000_000n,
    ...overrides,
  };
}

const kvJson = (attributes: Record<string, string> = {}) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** OTLP/JSON as JSON.stringify writes it: a lone surrogate becomes the escape "\ud83d", as JS exporters send. */
function jsonBody(spans: Span[], resource: Record<string, string>): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: kvJson(resource) },
        scopeSpans: [
          {
            scope: { name: 'poison' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: s.name,
              kind: 3,
              startTimeUnixNano: s.startNs.toString(),
              endTimeUnixNano: s.endNs.toString(),
              attributes: kvJson(s.attributes),
              status: { code: s.statusMessage ? 2 : 0, message: s.statusMessage ?? '' },
            })),
          },
        ],
      },
    ],
  });
}

/**
 * UTF-8 as a naive encoder writes it: a lone surrogate is encoded like any other code unit (ED A0 BD for
 * \ud83d), which is not UTF-8. That is how a lone surrogate reaches a protobuf body.
 */
function naiveUtf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0) ?? 0;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(bytes);
}

/** ExportTraceServiceRequest (opentelemetry-proto trace.proto field numbers), strings naively encoded. */
function protobufBody(spans: Span[], resource: Record<string, string>): Uint8Array<ArrayBuffer> {
  const w = protobuf.Writer.create();
  const text = (field: number, value: string) => w.uint32((field << 3) | 2).bytes(naiveUtf8(value));
  const fixed64 = (field: number, value: bigint) =>
    w
      .uint32((field << 3) | 1)
      .fixed32(Number(value & 0xffffffffn))
      .fixed32(Number(value >> 32n));
  const keyValues = (field: number, attributes: Record<string, string> = {}) => {
    for (const [key, value] of Object.entries(attributes)) {
      w.uint32((field << 3) | 2).fork();
      text(1, key);
      w.uint32((2 << 3) | 2).fork();
      text(1, value);
      w.ldelim().ldelim();
    }
  };
  w.uint32((1 << 3) | 2).fork(); // resource_spans
  w.uint32((1 << 3) | 2).fork(); // resource
  keyValues(1, resource);
  w.ldelim();
  w.uint32((2 << 3) | 2).fork(); // scope_spans
  for (const s of spans) {
    w.uint32((2 << 3) | 2).fork(); // span
    w.uint32((1 << 3) | 2).bytes(Buffer.from(s.traceId, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from(s.spanId, 'hex'));
    text(5, s.name);
    w.uint32((6 << 3) | 0).int32(3);
    fixed64(7, s.startNs);
    fixed64(8, s.endNs);
    keyValues(9, s.attributes);
    if (s.statusMessage) {
      w.uint32((15 << 3) | 2).fork();
      text(2, s.statusMessage);
      w.uint32((3 << 3) | 0).int32(2);
      w.ldelim();
    }
    w.ldelim();
  }
  w.ldelim().ldelim();
  return new Uint8Array(w.finish());
}

interface ExportResult {
  status: number;
  rejectedSpans: number;
  errorMessage: string;
}

/** ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; } inside field 1. */
function partialSuccessProtobuf(bytes: Uint8Array): Omit<ExportResult, 'status'> {
  const result = { rejectedSpans: 0, errorMessage: '' };
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
      if (t >>> 3 === 1) result.rejectedSpans = Number(inner.int64());
      else if (t >>> 3 === 2) result.errorMessage = inner.string();
      else inner.skipType(t & 7);
    }
  }
  return result;
}

async function send(
  format: Format,
  spans: Span[],
  resource = { 'service.name': 'poison' },
): Promise<ExportResult> {
  const response = await server.fetch('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' },
    body: format === 'json' ? jsonBody(spans, resource) : protobufBody(spans, resource),
    signal: AbortSignal.timeout(REQUEST_GUARD_MS),
  });
  if (format === 'json') {
    const body = (await response.json()) as {
      partialSuccess?: { rejectedSpans?: string; errorMessage?: string };
    };
    return {
      status: response.status,
      rejectedSpans: Number(body.partialSuccess?.rejectedSpans ?? 0),
      errorMessage: body.partialSuccess?.errorMessage ?? '',
    };
  }
  return { status: response.status, ...partialSuccessProtobuf(new Uint8Array(await response.arrayBuffer())) };
}

async function traceSpans(traceId: string): Promise<SpanView[]> {
  return traceDetailSchema.parse(await server.json(`/api/traces/${traceId}`)).spans;
}

/** A normal export right after the poison one is stored: the 200 only comes once it is. */
async function expectIngestFlows(format: Format): Promise<void> {
  const next = span({ name: 'after the poison' });
  expect(await send(format, [next])).toEqual({ status: 200, rejectedSpans: 0, errorMessage: '' });
  expect((await traceSpans(next.traceId)).map((s) => s.spanId)).toEqual([next.spanId]);
}

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

describe.each<Format>(['json', 'protobuf'])('poison spans over OTLP/HTTP %s', (format) => {
  it('stores a span with lone surrogates in its strings as U+FFFD, beside its valid siblings', async () => {
    const traceId = hexId(16);
    const poisoned = span({
      traceId,
      name: 'cut \ud83d',
      statusMessage: 'error \ud83d',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-\ud83d',
        'user.id': `user-${format}-\ud83d`,
        'key \udc00': 'value \ud83d',
      },
    });
    const siblings = [
      span({ traceId, name: 'sibling one' }),
      span({ traceId, name: 'sibling two \u{1F600}' }),
    ];
    const result = await send(format, [siblings[0] as Span, poisoned, siblings[1] as Span], {
      'service.name': 'poison \ud83d',
    });
    // Sanitized, not rejected: the span is stored with U+FFFD where the surrogate was.
    expect(result).toEqual({ status: 200, rejectedSpans: 0, errorMessage: '' });

    const spans = await traceSpans(traceId);
    expect(spans.map((s) => s.spanId).sort()).toEqual(
      [poisoned.spanId, ...siblings.map((s) => s.spanId)].sort(),
    );
    const stored = spans.find((s) => s.spanId === poisoned.spanId);
    // JSON.parse turns "\ud83d" into one lone surrogate, one U+FFFD; the protobuf decoder (TextDecoder) gives one
    // U+FFFD per byte of the three that encode it.
    const fffd = format === 'json' ? '\uFFFD' : '\uFFFD\uFFFD\uFFFD';
    expect(stored?.name).toBe(`cut ${fffd}`);
    expect(stored?.statusMessage).toBe(`error ${fffd}`);
    expect(stored?.llm?.requestModel).toBe(`gpt-4o-${fffd}`);
    expect(stored?.attributes[`key ${fffd}`]).toBe(`value ${fffd}`);
    expect(stored?.resource['service.name']).toBe(`poison ${fffd}`);
    expect(spans.find((s) => s.spanId === siblings[1]?.spanId)?.name).toBe('sibling two \u{1F600}');
    for (const s of spans)
      expect(isWellFormed(JSON.stringify(s)) && !/\\ud[89a-f]/.test(JSON.stringify(s))).toBe(true);

    const list = traceListPageSchema.parse(await server.json('/api/traces?limit=500'));
    expect(list.items.find((t) => t.traceId === traceId)?.userId).toBe(`user-${format}-${fffd}`);
    await expectIngestFlows(format);
  });

  it('rejects a span ending after 2286 alone through partial_success and stores its sibling', async () => {
    const traceId = hexId(16);
    const farFuture = span({ traceId, name: 'ends in 2286', endNs: YEAR_2286 });
    const sibling = span({ traceId, name: 'sibling' });
    const result = await send(format, [farFuture, sibling]);
    expect(result.status).toBe(200);
    expect(result.rejectedSpans).toBe(1);
    expect(result.errorMessage).toContain(farFuture.spanId);
    expect(result.errorMessage).toMatch(/endTimeUnixNano 10000000000000000000 is after 2100-01-01T00:00:00Z/);
    expect((await traceSpans(traceId)).map((s) => s.spanId)).toEqual([sibling.spanId]);
    await expectIngestFlows(format);
  });

  it('stores one request whose spans fall on 101 different days', async () => {
    const traceId = hexId(16);
    const now = nowNs();
    const spans = Array.from({ length: 101 }, (_, day) => {
      const startNs = now - BigInt(day) * DAY_NS;
      return span({ traceId, name: `day ${day}`, startNs, endNs: startNs + 1_000_000n });
    });
    expect(await send(format, spans)).toEqual({ status: 200, rejectedSpans: 0, errorMessage: '' });
    const stored = await traceSpans(traceId);
    expect(stored.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
    expect(new Set(stored.map((s) => s.startTime.slice(0, 10))).size).toBe(101);
    await expectIngestFlows(format);
  });
});
