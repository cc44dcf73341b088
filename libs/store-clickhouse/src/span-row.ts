import type { Attributes, LlmCall, SpanRecord } from '@driftwatch/contracts';

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

/** "1700000000123456789" -> "1700000000.123456789", exact (no float rounding). */
export function nanosToDateTime64(nanos: string): string {
  const digits = nanos.replace(/^0+(?=\d)/, '');
  const padded = digits.padStart(10, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

export function toSpanRow(record: SpanRecord): SpanRow {
  const llm = record.llm;
  return {
    project_id: record.projectId,
    start_time: nanosToDateTime64(record.startTimeUnixNano),
    trace_id: record.traceId,
    span_id: record.spanId,
    parent_span_id: record.parentSpanId,
    end_time: nanosToDateTime64(record.endTimeUnixNano),
    duration_ns: record.durationNs,
    name: record.name,
    kind: record.kind,
    status: record.status,
    status_message: record.statusMessage,
    service_name: record.serviceName,
    scope_name: record.scopeName,
    scope_version: record.scopeVersion,
    attributes: JSON.stringify(
      llm && hasMessages(llm) ? withoutRawContent(record.attributes) : record.attributes,
    ),
    resource: resourceJson(record.resource),
    events: record.events.length ? JSON.stringify(record.events) : '',
    is_llm: llm ? 1 : 0,
    operation: llm?.operation ?? '',
    provider: llm?.provider ?? '',
    request_model: llm?.requestModel ?? '',
    response_model: llm?.responseModel ?? '',
    input_messages: llm?.inputMessages.length ? JSON.stringify(llm.inputMessages) : '',
    output_messages: llm?.outputMessages.length ? JSON.stringify(llm.outputMessages) : '',
    system_instructions: llm?.systemInstructions.length ? JSON.stringify(llm.systemInstructions) : '',
    tool_calls: llm?.toolCalls.length ? JSON.stringify(llm.toolCalls) : '',
    finish_reasons: llm?.finishReasons ?? [],
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
    user_id: record.userId,
    session_id: record.sessionId,
    tags: record.tags,
    metadata: record.metadata,
    prompt_name: record.promptName,
    prompt_version: record.promptVersion,
    release: record.release,
    environment: record.environment,
  };
}

/** Token columns are UInt32: anything that is not a plausible count is stored as unknown, not as a bad row. */
function tokenCount(value: number | null | undefined): number | null {
  if (value == null || !Number.isInteger(value) || value < 0 || value > 0xffffffff) return null;
  return value;
}

/** Spans of one export share their resource object: serialize it once. */
const resourceJsonCache = new WeakMap<object, string>();
function resourceJson(resource: Attributes): string {
  let json = resourceJsonCache.get(resource);
  if (json === undefined) {
    json = JSON.stringify(resource);
    resourceJsonCache.set(resource, json);
  }
  return json;
}

function hasMessages(llm: LlmCall): boolean {
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
function withoutRawContent(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const key in attributes) {
    if (RAW_CONTENT_KEYS.has(key) || RAW_CONTENT_PREFIXES.some((p) => key.startsWith(p))) continue;
    kept[key] = attributes[key] as Attributes[string];
  }
  return kept;
}
