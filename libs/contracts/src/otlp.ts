/**
 * Decoded OTLP trace data, independent of wire encoding (protobuf or OTLP/JSON).
 * Ids are lowercase hex; timestamps are exact nanoseconds since the epoch.
 */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export interface OtlpEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** OTLP SpanKind numbers: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: OtlpEvent[];
  links: OtlpLink[];
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

export interface OtlpScopeSpans {
  scope: { name: string; version: string };
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: Attributes;
  scopeSpans: OtlpScopeSpans[];
}

export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/** OTLP LogRecord, as far as Driftwatch reads it (GenAI events sent as log records). */
export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  /** Lowercase hex; empty when the record is not linked to a span. */
  traceId: string;
  spanId: string;
  /** LogRecord.event_name (field 12); empty when absent. */
  eventName: string;
}

export interface OtlpScopeLogs {
  scope: { name: string; version: string };
  logRecords: OtlpLogRecord[];
}

export interface OtlpResourceLogs {
  resource: Attributes;
  scopeLogs: OtlpScopeLogs[];
}

export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}
