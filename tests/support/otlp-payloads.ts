import { randomBytes } from 'node:crypto';
import protobuf from 'protobufjs/minimal.js';

export interface SimpleSpan {
  traceId: string;
  spanId: string;
  name: string;
  startNs: bigint;
  endNs: bigint;
  attributes?: Record<string, string | number>;
}

export const hexId = (bytes: number) => randomBytes(bytes).toString('hex');

export function simpleSpan(overrides: Partial<SimpleSpan> = {}): SimpleSpan {
  const startNs = BigInt(Date.now()) * 1_000_000n;
  return {
    traceId: hexId(16),
    spanId: hexId(8),
    name: 'chat gpt-4o-mini',
    startNs,
    endNs: startNs + 5_000_000n,
    ...overrides,
  };
}

const attributeJson = (attributes: Record<string, string | number> = {}) =>
  Object.entries(attributes).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  }));

/** OTLP/JSON as the spec writes it: hex ids, integer enums, 64-bit integers as strings. */
export function otlpJson(spans: SimpleSpan[], serviceName = 'it-service'): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: attributeJson({ 'service.name': serviceName }) },
        scopeSpans: [
          {
            scope: { name: 'it' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              name: s.name,
              kind: 3,
              startTimeUnixNano: s.startNs.toString(),
              endTimeUnixNano: s.endNs.toString(),
              attributes: attributeJson(s.attributes),
              status: {},
            })),
          },
        ],
      },
    ],
  });
}

function fixed64(writer: protobuf.Writer, value: bigint): void {
  writer.fixed32(Number(value & 0xffffffffn)).fixed32(Number(value >> 32n));
}

/** The same request as OTLP protobuf (field numbers of opentelemetry-proto's trace.proto). */
export function otlpProtobuf(spans: SimpleSpan[], serviceName = 'it-service'): Uint8Array<ArrayBuffer> {
  const w = protobuf.Writer.create();
  const keyValue = (writer: protobuf.Writer, field: number, key: string, value: string | number) => {
    writer.uint32((field << 3) | 2).fork();
    writer.uint32((1 << 3) | 2).string(key);
    writer.uint32((2 << 3) | 2).fork();
    if (typeof value === 'number') writer.uint32((3 << 3) | 0).int64(value);
    else writer.uint32((1 << 3) | 2).string(value);
    writer.ldelim().ldelim();
  };
  w.uint32((1 << 3) | 2).fork(); // resource_spans
  w.uint32((1 << 3) | 2).fork(); // resource
  keyValue(w, 1, 'service.name', serviceName);
  w.ldelim();
  w.uint32((2 << 3) | 2).fork(); // scope_spans
  for (const s of spans) {
    w.uint32((2 << 3) | 2).fork(); // span
    w.uint32((1 << 3) | 2).bytes(Buffer.from(s.traceId, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from(s.spanId, 'hex'));
    w.uint32((5 << 3) | 2).string(s.name);
    w.uint32((6 << 3) | 0).int32(3);
    fixed64(w.uint32((7 << 3) | 1), s.startNs);
    fixed64(w.uint32((8 << 3) | 1), s.endNs);
    for (const [k, v] of Object.entries(s.attributes ?? {})) keyValue(w, 9, k, v);
    w.ldelim();
  }
  w.ldelim().ldelim();
  return new Uint8Array(w.finish());
}
