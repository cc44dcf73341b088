import type { Attributes, LlmCall, OtlpLogRecord, SpanRecord } from '@driftwatch/contracts';

/** One row of {db}.spans as JSONEachRow; DateTime64(9) values go in as "seconds.nanoseconds" text. */
export interface SpanRow {
  project_id: string;
  start_time: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  end_time: string;
  duration_ns: number;
  name: string;
  kind: string;
  status: string;
  status_message: string;
  service_name: string;
  scope_name: string;
  scope_version: string;
  attributes: string;
  resource: string;
  events: string;
  is_llm: number;
  operation: string;
  provider: string;
  request_model: string;
  response_model: string;
  input_messages: string;
  output_messages: string;
  system_instructions: string;
  tool_calls: string;
  finish_reasons: string[];
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_write_input_tokens: number | null;
  reasoning_tokens: number | null;
  total_tokens: number | null;
  usage_counted: number;
  usage_estimated: number;
  cost_usd: number | null;
  convention: string;
  user_id: string;
  session_id: string;
  tags: string[];
  metadata: Record<string, string>;
  prompt_name: string;
  prompt_version: string;
  release: string;
  environment: string;
}

/**
 * "1700000000123456789" -> "1700000000.123456789", exact (no float rounding). The seconds are padded to ten
 * digits: ClickHouse reads fewer than nine as a date ("0.000000000" is refused, an unset log time is 0).
 */
export function nanosToDateTime64(nanos: string): string {
  const digits = nanos.replace(/^0+(?=\d)/, '');
  const padded = digits.padStart(19, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

/** Days since the epoch (UTC) of exact nanoseconds, for splitting an insert by partition. */
export function utcDay(nanos: string): number {
  return Math.floor(Number(nanos.length > 9 ? nanos.slice(0, -9) : '0') / 86_400);
}

/** String.prototype.isWellFormed/toWellFormed (ES2024); the workspace's TypeScript lib is ES2023. */
interface Es2024String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * Last guard for the columns written as raw strings (the JSON columns are escaped by JSON.stringify and always
 * parse): ClickHouse refuses a whole insert over one lone surrogate (error 25). The decoders already replace
 * them; this keeps records that reached the queue another way (an older release, Kafka) from stalling the
 * writer. It only copies an ill-formed string.
 */
function text(value: string): string {
  const s = value as unknown as Es2024String;
  return s.isWellFormed() ? value : s.toWellFormed();
}

function texts(values: readonly string[]): string[] {
  return values.map(text);
}

export function textMap(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in values) out[text(key)] = text(values[key] ?? '');
  return out;
}

export function toSpanRow(record: SpanRecord): SpanRow {
  const llm = record.llm;
  return {
    project_id: record.projectId,
    start_time: nanosToDateTime64(record.startTimeUnixNano),
    trace_id: text(record.traceId),
    span_id: text(record.spanId),
    parent_span_id: text(record.parentSpanId),
    end_time: nanosToDateTime64(record.endTimeUnixNano),
    duration_ns: record.durationNs,
    name: text(record.name),
    kind: record.kind,
    status: record.status,
    status_message: text(record.statusMessage),
    service_name: text(record.serviceName),
    scope_name: text(record.scopeName),
    scope_version: text(record.scopeVersion),
    attributes: attributesJson(record),
    resource: resourceJson(record.resource),
    events: record.events.length ? JSON.stringify(record.events) : '',
    is_llm: llm ? 1 : 0,
    operation: text(llm?.operation ?? ''),
    provider: text(llm?.provider ?? ''),
    request_model: text(llm?.requestModel ?? ''),
    response_model: text(llm?.responseModel ?? ''),
    input_messages: llm?.inputMessages.length ? JSON.stringify(llm.inputMessages) : '',
    output_messages: llm?.outputMessages.length ? JSON.stringify(llm.outputMessages) : '',
    system_instructions: llm?.systemInstructions.length ? JSON.stringify(llm.systemInstructions) : '',
    tool_calls: llm?.toolCalls.length ? JSON.stringify(llm.toolCalls) : '',
    finish_reasons: texts(llm?.finishReasons ?? []),
    input_tokens: tokenCount(llm?.usage.inputTokens),
    output_tokens: tokenCount(llm?.usage.outputTokens),
    cache_read_input_tokens: tokenCount(llm?.usage.cacheReadInputTokens),
    cache_write_input_tokens: tokenCount(llm?.usage.cacheWriteInputTokens),
    reasoning_tokens: tokenCount(llm?.usage.reasoningTokens),
    total_tokens: tokenCount(llm?.usage.totalTokens),
    usage_counted: llm?.usageCounted ? 1 : 0,
    usage_estimated: llm?.usage.estimated ? 1 : 0,
    cost_usd: llm?.costUsd != null && Number.isFinite(llm.costUsd) ? llm.costUsd : null,
    convention: llm?.convention ?? '',
    user_id: text(record.userId),
    session_id: text(record.sessionId),
    tags: texts(record.tags),
    metadata: textMap(record.metadata),
    prompt_name: text(record.promptName),
    prompt_version: text(record.promptVersion),
    release: text(record.release),
    environment: text(record.environment),
  };
}

/** The attributes column: without the raw message copies once they are parsed into the message columns. */
export function attributesJson(record: SpanRecord): string {
  const llm = record.llm;
  return JSON.stringify(llm && hasMessages(llm) ? withoutRawContent(record.attributes) : record.attributes);
}

/** Token columns are UInt32: anything that is not a plausible count is stored as unknown, not as a bad row. */
export function tokenCount(value: number | null | undefined): number | null {
  if (value == null || !Number.isInteger(value) || value < 0 || value > 0xffffffff) return null;
  return value;
}

/** Spans of one export share their resource object: serialize it once. */
const resourceJsonCache = new WeakMap<object, string>();
export function resourceJson(resource: Attributes): string {
  let json = resourceJsonCache.get(resource);
  if (json === undefined) {
    json = JSON.stringify(resource);
    resourceJsonCache.set(resource, json);
  }
  return json;
}

export function hasMessages(llm: LlmCall): boolean {
  return llm.inputMessages.length > 0 || llm.outputMessages.length > 0 || llm.systemInstructions.length > 0;
}

/** Attributes that only carry message content, in every convention's spelling. */
const RAW_CONTENT_KEYS = new Set([
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.prompt',
  'gen_ai.completion',
  'input.value',
  'output.value',
  'ai.prompt',
  'ai.prompt.messages',
  'ai.response.text',
  'traceloop.entity.input',
  'traceloop.entity.output',
]);
const RAW_CONTENT_PREFIXES = [
  'llm.input_messages.',
  'llm.output_messages.',
  'gen_ai.prompt.',
  'gen_ai.completion.',
];

/**
 * Once the conversation is parsed into the message columns, the raw copies in the attributes only double the
 * row (message text is most of a span's bytes); the structured form is what the API and UI show.
 */
export function withoutRawContent(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const key in attributes) {
    if (RAW_CONTENT_KEYS.has(key) || RAW_CONTENT_PREFIXES.some((p) => key.startsWith(p))) continue;
    kept[key] = attributes[key] as Attributes[string];
  }
  return kept;
}

/** One row of {db}.llm_log_events as JSONEachRow. */
export interface LlmEventRow {
  project_id: string;
  trace_id: string;
  span_id: string;
  time: string;
  seq: number;
  event_name: string;
  body: string;
  attributes: string;
}

/**
 * The latest time a row may carry: the tables' TTL is `toDateTime(time) + INTERVAL n DAY`, and DateTime ends in
 * 2106, where it wraps to 1970 and the row would be deleted at the next merge. Spans beyond it are rejected by
 * the normalizer; this is the same bound (2100-01-01T00:00:00Z).
 */
export const LATEST_STORABLE_NANOS = 4_102_444_800_000_000_000n;

/**
 * Log records are not validated one by one before they are stored (the /v1/logs path has no per-record
 * rejection), so their time is chosen here: OTLP makes time_unix_nano optional (0 = unknown), a record dated
 * 1970 would fall to the TTL at once and one dated past 2100 would wrap. The observed time stands in, then the
 * start of the current UTC day: the same value when an exporter retries the request minutes later, so the
 * retried row still collapses onto the first (time is in the sort key). Time only orders a span's events.
 */
export function logEventTime(record: OtlpLogRecord, nowMs: number): bigint {
  for (const time of [record.timeUnixNano, record.observedTimeUnixNano]) {
    if (time > 0n && time <= LATEST_STORABLE_NANOS) return time;
  }
  return BigInt(Math.floor(nowMs / 86_400_000)) * 86_400_000_000_000n;
}

export function toLlmEventRow(
  projectId: string,
  record: OtlpLogRecord,
  seq: number,
  nowMs: number,
): LlmEventRow {
  return {
    project_id: projectId,
    trace_id: text(record.traceId),
    span_id: text(record.spanId),
    time: nanosToDateTime64(logEventTime(record, nowMs).toString()),
    seq,
    event_name: text(record.eventName || String(record.attributes['event.name'] ?? '')),
    body: JSON.stringify(record.body ?? null),
    attributes: JSON.stringify(record.attributes),
  };
}
