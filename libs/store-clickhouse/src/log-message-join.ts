import type { SpanView } from '@driftwatch/contracts';
import { messagesFromLogRecords, type GenAiLogRecord } from '@driftwatch/normalize';

export interface LogEventRow {
  span_id: string;
  time_ns: string;
  event_name: string;
  body: string;
  attributes: string;
}

export const LOG_EVENTS_SQL = (database: string) => `
  SELECT span_id, toUnixTimestamp64Nano(time) AS time_ns, event_name, body, attributes
  FROM ${database}.llm_log_events FINAL
  WHERE project_id = {projectId:String} AND trace_id = {traceId:String} AND span_id IN {spanIds:Array(String)}
  ORDER BY time, seq`;

/** LLM spans that carry no conversation of their own: their content may have come as log records. */
export function spansLackingMessages(spans: SpanView[]): string[] {
  return spans
    .filter((s) => s.llm && s.llm.inputMessages.length === 0 && s.llm.outputMessages.length === 0)
    .map((s) => s.spanId);
}

/** Fills the conversation of LLM spans from their GenAI log events (the span's own messages always win). */
export function joinLogMessages(spans: SpanView[], rows: LogEventRow[], traceId: string): SpanView[] {
  if (rows.length === 0) return spans;
  const bySpan = new Map<string, GenAiLogRecord[]>();
  for (const row of rows) {
    const list = bySpan.get(row.span_id) ?? [];
    list.push({
      traceId,
      spanId: row.span_id,
      timeUnixNano: BigInt(row.time_ns),
      eventName: row.event_name,
      body: parse(row.body, null),
      attributes: parse(row.attributes, {}),
    });
    bySpan.set(row.span_id, list);
  }
  return spans.map((span) => {
    const records = bySpan.get(span.spanId);
    if (!records || !span.llm) return span;
    const messages = messagesFromLogRecords(records);
    return {
      ...span,
      llm: {
        ...span.llm,
        inputMessages: messages.inputMessages,
        outputMessages: messages.outputMessages,
        systemInstructions: span.llm.systemInstructions.length
          ? span.llm.systemInstructions
          : messages.systemInstructions,
        toolCalls: span.llm.toolCalls.length ? span.llm.toolCalls : messages.toolCalls,
        finishReasons: span.llm.finishReasons.length ? span.llm.finishReasons : messages.finishReasons,
      },
    };
  });
}

function parse<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
