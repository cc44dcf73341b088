import type { OtlpSpan } from '@driftwatch/contracts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO = /^0+$/;

/** Why a span cannot be stored, or null when it is valid. */
export function invalidReason(span: OtlpSpan): string | null {
  if (typeof span.traceId !== 'string' || !TRACE_ID.test(span.traceId) || ZERO.test(span.traceId)) {
    return `invalid traceId ${JSON.stringify(span.traceId)}: expected 32 lowercase hex characters, not all zero`;
  }
  if (typeof span.spanId !== 'string' || !SPAN_ID.test(span.spanId) || ZERO.test(span.spanId)) {
    return `invalid spanId ${JSON.stringify(span.spanId)}: expected 16 lowercase hex characters, not all zero`;
  }
  const parent = span.parentSpanId ?? '';
  if (typeof parent !== 'string' || (parent !== '' && !SPAN_ID.test(parent))) {
    return `invalid parentSpanId ${JSON.stringify(parent)}: expected empty or 16 lowercase hex characters`;
  }
  if (typeof span.startTimeUnixNano !== 'bigint' || typeof span.endTimeUnixNano !== 'bigint') {
    return 'invalid timestamps: startTimeUnixNano and endTimeUnixNano must be integers';
  }
  if (span.endTimeUnixNano < span.startTimeUnixNano) {
    return `span ends before it starts (start ${span.startTimeUnixNano}, end ${span.endTimeUnixNano})`;
  }
  return null;
}

/** An all-zero parent id means "no parent". */
export function normalizeParentId(parentSpanId: string | undefined): string {
  return !parentSpanId || ZERO.test(parentSpanId) ? '' : parentSpanId;
}
