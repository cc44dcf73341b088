import { FeedbackValidationError } from '../errors.js';

/** What `feedback()` takes: a judgement of one trace or span (one of traceId and spanId is required). */
export interface FeedbackInput {
  /** 32 hexadecimal characters, e.g. from `currentTraceId()`. */
  traceId?: string;
  /** 16 hexadecimal characters. */
  spanId?: string;
  /** 1 to 64 characters of A-Z a-z 0-9 _ . : - (e.g. "thumbs", "helpfulness", "label"). */
  name: string;
  /** A score, a thumbs up/down, or a label (at most 256 characters). */
  value: number | boolean | string;
  /** Free text, at most 4,000 characters. */
  comment?: string;
  /** The answer the model should have given, at most 32,768 characters. */
  correction?: string;
  /** Who gave the feedback (your end user's id), at most 256 characters. */
  userId?: string;
  /** At most 32 entries; keys at most 256 characters, values at most 4,000. */
  metadata?: Record<string, string>;
  /** At most 128 characters; generated when absent so that a retried send is stored once. */
  idempotencyKey?: string;
  /** When the feedback was given (milliseconds since the epoch); defaults to the time of the call. */
  timeMs?: number;
}

/** One item of POST /api/feedback, as sent. */
export interface FeedbackItem extends FeedbackInput {
  idempotencyKey: string;
  timeMs: number;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** The server's latest instant (ClickHouse DateTime64(3) in milliseconds). */
const MAX_TIME_MS = 9_223_372_036_854;

/**
 * Checks an item against the server's contract before it is buffered, so a mistake is an error at the call site
 * instead of a 400 for the whole batch later. Fills in the idempotency key and the time.
 */
export function toFeedbackItem(input: FeedbackInput, now: number, newKey: () => string): FeedbackItem {
  if (typeof input !== 'object' || input === null)
    throw new FeedbackValidationError('item', 'must be an object');
  const item: FeedbackItem = { name: input.name, value: input.value, idempotencyKey: '', timeMs: now };
  if (input.traceId === undefined && input.spanId === undefined) {
    throw new FeedbackValidationError('traceId', 'one of traceId and spanId is required');
  }
  if (input.traceId !== undefined)
    item.traceId = matching('traceId', input.traceId, TRACE_ID, '32 hexadecimal characters').toLowerCase();
  if (input.spanId !== undefined)
    item.spanId = matching('spanId', input.spanId, SPAN_ID, '16 hexadecimal characters').toLowerCase();
  matching('name', input.name, NAME, '1 to 64 characters of A-Z a-z 0-9 _ . : -');
  item.value = checkValue(input.value);
  if (input.comment !== undefined) item.comment = bounded('comment', input.comment, 4000);
  if (input.correction !== undefined) item.correction = bounded('correction', input.correction, 32_768);
  if (input.userId !== undefined) item.userId = bounded('userId', input.userId, 256);
  if (input.metadata !== undefined) item.metadata = checkMetadata(input.metadata);
  if (input.idempotencyKey !== undefined) {
    item.idempotencyKey = bounded('idempotencyKey', input.idempotencyKey, 128);
    if (item.idempotencyKey === '') throw new FeedbackValidationError('idempotencyKey', 'must not be empty');
  } else {
    item.idempotencyKey = newKey();
  }
  if (input.timeMs !== undefined) {
    if (typeof input.timeMs !== 'number' || !(input.timeMs >= 0 && input.timeMs <= MAX_TIME_MS)) {
      throw new FeedbackValidationError(
        'timeMs',
        'must be a non-negative number of milliseconds since the epoch',
      );
    }
    item.timeMs = input.timeMs;
  }
  return item;
}

function matching(field: string, value: unknown, pattern: RegExp, what: string): string {
  // All zeros is OpenTelemetry's "no id" (an invalid span context), not an id.
  if (typeof value !== 'string' || !pattern.test(value) || /^0+$/.test(value)) {
    throw new FeedbackValidationError(field, `must be ${what}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return value;
}

function bounded(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw new FeedbackValidationError(field, 'must be a string');
  if (value.length > max)
    throw new FeedbackValidationError(field, `must be at most ${max} characters (got ${value.length})`);
  return value;
}

function checkValue(value: unknown): number | boolean | string {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FeedbackValidationError('value', 'must be a finite number');
    return value;
  }
  if (typeof value === 'string') return bounded('value', value, 256);
  throw new FeedbackValidationError('value', 'must be a number, a boolean or a string');
}

function checkMetadata(metadata: unknown): Record<string, string> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new FeedbackValidationError('metadata', 'must be an object of strings');
  }
  const entries = Object.entries(metadata);
  if (entries.length > 32)
    throw new FeedbackValidationError('metadata', `at most 32 entries (got ${entries.length})`);
  for (const [key, value] of entries) {
    if (key.length > 256) throw new FeedbackValidationError('metadata', 'keys are at most 256 characters');
    if (typeof value !== 'string') throw new FeedbackValidationError(`metadata.${key}`, 'must be a string');
    bounded(`metadata.${key}`, value, 4000);
  }
  return { ...(metadata as Record<string, string>) };
}
