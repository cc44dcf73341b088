import type { AttributeValue, Attributes, OtlpEvent } from '@driftwatch/contracts';

/**
 * A decoded OTLP log record, as far as GenAI content needs it. GenAI conventions v1.28-v1.36 allow the message
 * events (`gen_ai.user.message`, `gen_ai.choice`, ...) to be emitted as log records linked to the span by
 * trace and span id (@opentelemetry/instrumentation-openai does so); their body holds the message.
 */
export interface GenAiLogRecord {
  traceId: string;
  spanId: string;
  timeUnixNano: bigint;
  /** The event name: OTLP `eventName`, else the `event.name` attribute. */
  eventName?: string;
  body: AttributeValue;
  attributes: Attributes;
}

/** GenAI log records as span events, grouped by `traceId/spanId`; other log records are ignored. */
export function eventsFromLogRecords(records: readonly GenAiLogRecord[]): Map<string, OtlpEvent[]> {
  const bySpan = new Map<string, OtlpEvent[]>();
  for (const record of records) {
    const attrs = record.attributes ?? {};
    const eventName = attrs['event.name'];
    const name = record.eventName || (typeof eventName === 'string' ? eventName : '');
    if (!name.startsWith('gen_ai.') || !record.spanId) continue;
    const key = `${record.traceId}/${record.spanId}`;
    const list = bySpan.get(key) ?? [];
    list.push({
      name,
      timeUnixNano: record.timeUnixNano,
      attributes: { ...attrs, body: record.body ?? null },
    });
    bySpan.set(key, list);
  }
  return bySpan;
}
