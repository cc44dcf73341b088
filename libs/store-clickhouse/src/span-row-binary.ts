import type { SpanRecord } from '@driftwatch/contracts';
import { PermanentError } from '@driftwatch/contracts';
import { RowBinaryBuffer } from './row-binary.js';
import { attributesJson, resourceJson, textMap, tokenCount } from './span-row.js';

/**
 * The columns of {db}.spans written by a RowBinary insert and their types, in the order writeSpanRowBinary
 * writes them. RowBinary carries no names or types: each value must be in its column's exact binary form, so
 * this list and the encoder below change together with the spans table (migrations 001, 007; the store test
 * compares every stored column with the JSONEachRow path). ingested_at keeps its DEFAULT.
 */
export const SPAN_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['project_id', 'LowCardinality(String)'],
  ['start_time', 'DateTime64(9)'],
  ['trace_id', 'String'],
  ['span_id', 'String'],
  ['parent_span_id', 'String'],
  ['end_time', 'DateTime64(9)'],
  ['duration_ns', 'UInt64'],
  ['name', 'LowCardinality(String)'],
  ['kind', 'LowCardinality(String)'],
  ['status', 'LowCardinality(String)'],
  ['status_message', 'String'],
  ['service_name', 'LowCardinality(String)'],
  ['scope_name', 'LowCardinality(String)'],
  ['scope_version', 'LowCardinality(String)'],
  ['attributes', 'String'],
  ['resource', 'String'],
  ['events', 'String'],
  ['is_llm', 'UInt8'],
  ['operation', 'LowCardinality(String)'],
  ['provider', 'LowCardinality(String)'],
  ['request_model', 'LowCardinality(String)'],
  ['response_model', 'LowCardinality(String)'],
  ['input_messages', 'String'],
  ['output_messages', 'String'],
  ['system_instructions', 'String'],
  ['tool_calls', 'String'],
  ['finish_reasons', 'Array(LowCardinality(String))'],
  ['input_tokens', 'Nullable(UInt32)'],
  ['output_tokens', 'Nullable(UInt32)'],
  ['cache_read_input_tokens', 'Nullable(UInt32)'],
  ['cache_write_input_tokens', 'Nullable(UInt32)'],
  ['reasoning_tokens', 'Nullable(UInt32)'],
  ['total_tokens', 'Nullable(UInt32)'],
  ['usage_counted', 'UInt8'],
  ['usage_estimated', 'UInt8'],
  ['cost_usd', 'Nullable(Float64)'],
  ['convention', 'LowCardinality(String)'],
  ['user_id', 'String'],
  ['session_id', 'String'],
  ['tags', 'Array(String)'],
  ['metadata', 'Map(LowCardinality(String), String)'],
  ['prompt_name', 'LowCardinality(String)'],
  ['prompt_version', 'LowCardinality(String)'],
  ['release', 'LowCardinality(String)'],
  ['environment', 'LowCardinality(String)'],
];

const INT64_MAX = 0x7fffffffffffffffn;

/** DateTime64(9) is an Int64 of nanoseconds; the record holds them as decimal text. */
function nanos(value: string, column: string): bigint {
  let n: bigint;
  try {
    n = BigInt(value);
  } catch {
    throw new PermanentError(`${column} is not a nanosecond timestamp: ${JSON.stringify(value)}`);
  }
  if (n < 0n || n > INT64_MAX) throw new PermanentError(`${column} out of DateTime64(9) range: ${value}`);
  return n;
}

/** UInt64 as the JSON path stored it: a negative duration was refused (code 72), NaN became the default 0. */
function durationNs(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value < 0) throw new PermanentError(`duration_ns ${value}: Unsigned type must not contain '-'`);
  if (!Number.isInteger(value) || value >= 2 ** 64) {
    throw new PermanentError(`duration_ns is not a UInt64: ${value}`);
  }
  return BigInt(value);
}

/**
 * Columns the JSON path wrote without making them well-formed (they come from the normalizer's fixed sets):
 * ClickHouse refused a lone surrogate in them (error 25), so the span was dead-lettered; it still is.
 */
function wellFormed(value: string, column: string): string {
  if ((value as unknown as { isWellFormed(): boolean }).isWellFormed()) return value;
  throw new PermanentError(`${column} has a lone UTF-16 surrogate: ${JSON.stringify(value)}`);
}

/**
 * Appends one span as a RowBinary row of SPAN_COLUMNS: the same values toSpanRow gives the JSONEachRow
 * insert (the store contract suite reads them back), without building the row object or its JSON.
 */
export function writeSpanRowBinary(out: RowBinaryBuffer, record: SpanRecord): void {
  const llm = record.llm;
  const usage = llm?.usage;
  out.string(wellFormed(record.projectId, 'project_id'));
  out.int64(nanos(record.startTimeUnixNano, 'start_time'));
  out.string(record.traceId);
  out.string(record.spanId);
  out.string(record.parentSpanId);
  out.int64(nanos(record.endTimeUnixNano, 'end_time'));
  out.uint64(durationNs(record.durationNs));
  out.string(record.name);
  out.string(wellFormed(record.kind, 'kind'));
  out.string(wellFormed(record.status, 'status'));
  out.string(record.statusMessage);
  out.string(record.serviceName);
  out.string(record.scopeName);
  out.string(record.scopeVersion);
  out.string(attributesJson(record));
  out.string(resourceJson(record.resource));
  out.string(record.events.length ? JSON.stringify(record.events) : '');
  out.uint8(llm ? 1 : 0);
  out.string(llm?.operation ?? '');
  out.string(llm?.provider ?? '');
  out.string(llm?.requestModel ?? '');
  out.string(llm?.responseModel ?? '');
  out.string(llm?.inputMessages.length ? JSON.stringify(llm.inputMessages) : '');
  out.string(llm?.outputMessages.length ? JSON.stringify(llm.outputMessages) : '');
  out.string(llm?.systemInstructions.length ? JSON.stringify(llm.systemInstructions) : '');
  out.string(llm?.toolCalls.length ? JSON.stringify(llm.toolCalls) : '');
  out.strings(llm?.finishReasons ?? []);
  out.nullableUint32(tokenCount(usage?.inputTokens));
  out.nullableUint32(tokenCount(usage?.outputTokens));
  out.nullableUint32(tokenCount(usage?.cacheReadInputTokens));
  out.nullableUint32(tokenCount(usage?.cacheWriteInputTokens));
  out.nullableUint32(tokenCount(usage?.reasoningTokens));
  out.nullableUint32(tokenCount(usage?.totalTokens));
  out.uint8(llm?.usageCounted ? 1 : 0);
  out.uint8(usage?.estimated ? 1 : 0);
  out.nullableFloat64(llm?.costUsd != null && Number.isFinite(llm.costUsd) ? llm.costUsd : null);
  out.string(wellFormed(llm?.convention ?? '', 'convention'));
  out.string(record.userId);
  out.string(record.sessionId);
  out.strings(record.tags);
  // Keys made well-formed first, as the JSON path did: two keys that differ only in a lone surrogate merge.
  const metadata = textMap(record.metadata);
  const keys = Object.keys(metadata);
  out.varint(keys.length);
  for (const key of keys) {
    out.string(key);
    out.string(metadata[key] ?? '');
  }
  out.string(record.promptName);
  out.string(record.promptVersion);
  out.string(record.release);
  out.string(record.environment);
}

/** Rough bytes per span to size the buffer up front (it grows when a batch is larger). */
const BYTES_PER_SPAN_GUESS = 2_048;

export function encodeSpansRowBinary(records: readonly SpanRecord[]): Buffer {
  const out = new RowBinaryBuffer(records.length * BYTES_PER_SPAN_GUESS);
  for (const record of records) writeSpanRowBinary(out, record);
  return out.bytes();
}
