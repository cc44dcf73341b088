import type { Attributes, OtlpEvent, OtlpSpan, OtlpTraceRequest, SpanRecord } from '@driftwatch/contracts';
import { normalizeTraceRequest } from '../normalize.js';

/** Test helpers: hand-built OTLP requests with realistic ids and bigint nanosecond times. */
export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const OTHER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const T0 = 1_767_225_600_000_000_000n;

/** A span id from a small number: 1 -> "0000000000000001". */
export function sid(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function event(name: string, attributes: Attributes, offsetNs = 0n): OtlpEvent {
  return { name, timeUnixNano: T0 + offsetNs, attributes };
}

export function span(overrides: Partial<OtlpSpan> & { attributes?: Attributes } = {}): OtlpSpan {
  return {
    traceId: TRACE_ID,
    spanId: sid(1),
    parentSpanId: '',
    name: 'span',
    kind: 1,
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 1_500_000n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
    ...overrides,
  };
}

export function request(
  spans: OtlpSpan[],
  resource: Attributes = { 'service.name': 'checkout' },
  scopeName = 'test-scope',
): OtlpTraceRequest {
  return {
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: scopeName, version: '1.0.0' }, spans }] }],
  };
}

/** Normalizes the spans (one resource, one scope) and returns the records in order; fails on rejections. */
export function normalizeSpans(spans: OtlpSpan[], scopeName = 'test-scope'): SpanRecord[] {
  const result = normalizeTraceRequest(request(spans, { 'service.name': 'checkout' }, scopeName), {
    projectId: 'p1',
  });
  if (result.rejected.length > 0)
    throw new Error(`unexpected rejections: ${JSON.stringify(result.rejected)}`);
  return result.records;
}

export function normalizeOne(s: OtlpSpan, scopeName = 'test-scope'): SpanRecord {
  const [record] = normalizeSpans([s], scopeName);
  if (!record) throw new Error('no record');
  return record;
}

/** The LLM call of a record, failing the test when there is none. */
export function llmOf(record: SpanRecord | undefined): NonNullable<SpanRecord['llm']> {
  if (!record?.llm) throw new Error(`span ${record?.name ?? '?'} has no llm call`);
  return record.llm;
}

export function byName(records: SpanRecord[], name: string): SpanRecord {
  const found = records.find((r) => r.name === name);
  if (!found) throw new Error(`no span named ${name}`);
  return found;
}
