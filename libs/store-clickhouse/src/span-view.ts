import type { Attributes, LlmView, SpanKindName, SpanStatus, SpanView } from '@driftwatch/contracts';

/** The columns getTrace reads; times come back as exact nanosecond text. */
export const SPAN_VIEW_COLUMNS = `span_id, parent_span_id, name, kind,
  toUnixTimestamp64Nano(start_time) AS start_ns, duration_ns, status, status_message, attributes, resource,
  is_llm, operation, provider, request_model, response_model, input_messages, output_messages,
  system_instructions, tool_calls, finish_reasons, input_tokens, output_tokens, cache_read_input_tokens,
  cache_write_input_tokens, reasoning_tokens, total_tokens, usage_counted, usage_estimated, cost_usd`;

export interface SpanViewRow {
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: string;
  start_ns: string;
  duration_ns: string | number;
  status: string;
  status_message: string;
  attributes: string;
  resource: string;
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
}

export function nanosToIso(nanos: string): string {
  return new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();
}

function parseJson<T>(text: string, empty: T): T {
  if (!text) return empty;
  try {
    return JSON.parse(text) as T;
  } catch {
    return empty;
  }
}

function llmView(row: SpanViewRow, usageCounted: boolean): LlmView | null {
  if (row.is_llm !== 1) return null;
  return {
    operation: row.operation,
    provider: row.provider,
    requestModel: row.request_model,
    responseModel: row.response_model,
    inputMessages: parseJson(row.input_messages, []),
    outputMessages: parseJson(row.output_messages, []),
    systemInstructions: parseJson(row.system_instructions, []),
    toolCalls: parseJson(row.tool_calls, []),
    finishReasons: row.finish_reasons,
    usage: {
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      cacheReadInputTokens: row.cache_read_input_tokens,
      cacheWriteInputTokens: row.cache_write_input_tokens,
      reasoningTokens: row.reasoning_tokens,
      totalTokens: row.total_tokens,
      estimated: row.usage_estimated === 1,
    },
    costUsd: row.cost_usd,
    usageCounted,
  };
}

/** `usageCounted`: the span's usage is part of the trace totals (counted-usage.ts decides, over the whole trace). */
export function toSpanView(row: SpanViewRow, usageCounted: boolean): SpanView {
  return {
    spanId: row.span_id,
    parentSpanId: row.parent_span_id || null,
    name: row.name,
    kind: row.kind as SpanKindName,
    startTime: nanosToIso(row.start_ns),
    durationMs: Number(row.duration_ns) / 1e6,
    status: row.status as SpanStatus,
    statusMessage: row.status_message,
    attributes: parseJson<Attributes>(row.attributes, {}),
    resource: parseJson<Attributes>(row.resource, {}),
    llm: llmView(row, usageCounted),
  };
}
