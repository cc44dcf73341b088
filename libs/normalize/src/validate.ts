import type { OtlpSpan } from '@driftwatch/contracts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO = /^0+$/;

/**
 * The latest start or end time accepted: 2100-01-01T00:00:00Z. Spans past it are rejected, not clamped (a
 * changed time would be a lie about the span). The store's own limits sit a little later: its TTL is
 * `toDateTime(start) + INTERVAL n DAY`, and DateTime ends on 2106-02-07, past which it wraps to 1970 and the
 * row would be deleted at the next merge, after a 200; DateTime64(9) itself ends in 2262 and refuses the whole
 * insert beyond it. A fixed bound, not "now + x": backfills and replayed fixtures carry any past time, clocks
 * drift, and the answer for a span must not change with the wall clock. There is no lower bound: uint64
 * nanoseconds start at 1970, which the store holds (an old span simply falls to retention).
 */
export const LATEST_TIME_NANOS = 4_102_444_800_000_000_000n;
const LATEST_TIME_TEXT = '2100-01-01T00:00:00Z';

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
  if (span.startTimeUnixNano > LATEST_TIME_NANOS) {
    return `startTimeUnixNano ${span.startTimeUnixNano} is after ${LATEST_TIME_TEXT}, the latest time accepted`;
  }
  if (span.endTimeUnixNano > LATEST_TIME_NANOS) {
    return `endTimeUnixNano ${span.endTimeUnixNano} is after ${LATEST_TIME_TEXT}, the latest time accepted`;
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
