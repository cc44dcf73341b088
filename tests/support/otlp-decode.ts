/**
 * Test-side decoder for OTLP trace export requests (protobuf or OTLP/JSON) into the contracts shape, plus the
 * JSON fixture form (bigint timestamps as decimal strings). Independent of the server's own decoder on purpose:
 * the end-to-end tests compare the two.
 */
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import type { AttributeValue, Attributes, OtlpTraceRequest } from '@driftwatch/contracts';

// Minimal subset of opentelemetry/proto/{common,resource,trace}/v1 and collector/trace/v1 (field numbers as upstream).
const PROTO = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
}
message Status { string message = 2; int32 code = 3; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message LogRecord {
  fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; int32 severity_number = 2; string severity_text = 3;
  AnyValue body = 5; repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7; fixed32 flags = 8;
  bytes trace_id = 9; bytes span_id = 10; string event_name = 12;
}
`;

const root = protobuf.parse(PROTO, { keepCase: false }).root;
const RequestType = root.lookupType('otlp.ExportTraceServiceRequest');
const LogsRequestType = root.lookupType('otlp.ExportLogsServiceRequest');

/** Loosely typed view shared by the protobuf `toObject` output and OTLP/JSON (both camelCase). */
interface RawKeyValue {
  key?: string;
  value?: RawAnyValue;
}
interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: bigint | string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: RawAnyValue[] };
  kvlistValue?: { values?: RawKeyValue[] };
  bytesValue?: Uint8Array | string;
}
type Id = Uint8Array | string | undefined;
type Nanos = bigint | string | number | undefined;
interface RawSpan {
  traceId?: Id;
  spanId?: Id;
  parentSpanId?: Id;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: Nanos;
  endTimeUnixNano?: Nanos;
  attributes?: RawKeyValue[];
  events?: { name?: string; timeUnixNano?: Nanos; attributes?: RawKeyValue[] }[];
  links?: { traceId?: Id; spanId?: Id; attributes?: RawKeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
interface RawRequest {
  resourceSpans?: {
    resource?: { attributes?: RawKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: RawSpan[] }[];
  }[];
}

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** Decodes a raw export body (after optional gzip) by content type: application/x-protobuf or application/json. */
export function decodeTraceRequest(
  body: Buffer,
  contentType: string,
  contentEncoding?: string,
): OtlpTraceRequest {
  const bytes = contentEncoding === 'gzip' ? gunzipSync(body) : body;
  if (contentType.includes('json')) return fromRaw(JSON.parse(bytes.toString('utf8')) as RawRequest, 'hex');
  const message = RequestType.decode(bytes);
  const raw = RequestType.toObject(message, {
    longs: BigInt,
    bytes: Array,
    defaults: false,
    arrays: true,
  }) as RawRequest;
  return fromRaw(raw, 'bytes');
}

function fromRaw(raw: RawRequest, ids: 'hex' | 'bytes'): OtlpTraceRequest {
  const id = (value: Id): string => {
    if (value === undefined) return '';
    if (typeof value === 'string')
      return ids === 'hex' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
    return Buffer.from(value).toString('hex');
  };
  return {
    resourceSpans: (raw.resourceSpans ?? []).map((rs) => ({
      resource: attributes(rs.resource?.attributes),
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        scope: { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' },
        spans: (ss.spans ?? []).map((s) => ({
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          parentSpanId: id(s.parentSpanId),
          name: s.name ?? '',
          kind: enumValue(s.kind, SPAN_KINDS),
          startTimeUnixNano: nanos(s.startTimeUnixNano),
          endTimeUnixNano: nanos(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          events: (s.events ?? []).map((e) => ({
            name: e.name ?? '',
            timeUnixNano: nanos(e.timeUnixNano),
            attributes: attributes(e.attributes),
          })),
          links: (s.links ?? []).map((l) => ({
            traceId: id(l.traceId),
            spanId: id(l.spanId),
            attributes: attributes(l.attributes),
          })),
          status: { code: enumValue(s.status?.code, STATUS_CODES), message: s.status?.message ?? '' },
        })),
      })),
    })),
  };
}

function attributes(list: RawKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of list ?? []) if (kv.key !== undefined) out[kv.key] = anyValue(kv.value);
  return out;
}

function anyValue(v: RawAnyValue | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined)
    return typeof v.bytesValue === 'string' ? v.bytesValue : Buffer.from(v.bytesValue).toString('base64');
  return null;
}

function nanos(v: Nanos): bigint {
  return v === undefined ? 0n : BigInt(v);
}

function enumValue(v: number | string | undefined, names: Record<string, number>): number {
  if (v === undefined) return 0;
  return typeof v === 'number' ? v : (names[v] ?? Number(v));
}

/** Decoded OTLP logs export (test-only shape, mirroring the trace one): ids hex, nanoseconds as bigint. */
export interface OtlpLogsRequest {
  resourceLogs: {
    resource: Attributes;
    scopeLogs: {
      scope: { name: string; version: string };
      logRecords: {
        timeUnixNano: bigint;
        observedTimeUnixNano: bigint;
        severityNumber: number;
        severityText: string;
        eventName: string;
        body: AttributeValue;
        attributes: Attributes;
        traceId: string;
        spanId: string;
      }[];
    }[];
  }[];
}

interface RawLogsRequest {
  resourceLogs?: {
    resource?: { attributes?: RawKeyValue[] };
    scopeLogs?: {
      scope?: { name?: string; version?: string };
      logRecords?: {
        timeUnixNano?: Nanos;
        observedTimeUnixNano?: Nanos;
        severityNumber?: number | string;
        severityText?: string;
        eventName?: string;
        body?: RawAnyValue;
        attributes?: RawKeyValue[];
        traceId?: Id;
        spanId?: Id;
      }[];
    }[];
  }[];
}

/** Decodes an OTLP/HTTP logs export body (protobuf or JSON). */
export function decodeLogsRequest(
  body: Buffer,
  contentType: string,
  contentEncoding?: string,
): OtlpLogsRequest {
  const bytes = contentEncoding === 'gzip' ? gunzipSync(body) : body;
  const json = contentType.includes('json');
  const raw = json
    ? (JSON.parse(bytes.toString('utf8')) as RawLogsRequest)
    : (LogsRequestType.toObject(LogsRequestType.decode(bytes), {
        longs: BigInt,
        bytes: Array,
        arrays: true,
      }) as RawLogsRequest);
  const id = (value: Id): string =>
    value === undefined
      ? ''
      : typeof value === 'string'
        ? value.toLowerCase()
        : Buffer.from(value).toString('hex');
  return {
    resourceLogs: (raw.resourceLogs ?? []).map((rl) => ({
      resource: attributes(rl.resource?.attributes),
      scopeLogs: (rl.scopeLogs ?? []).map((sl) => ({
        scope: { name: sl.scope?.name ?? '', version: sl.scope?.version ?? '' },
        logRecords: (sl.logRecords ?? []).map((r) => ({
          timeUnixNano: nanos(r.timeUnixNano),
          observedTimeUnixNano: nanos(r.observedTimeUnixNano),
          severityNumber: Number(r.severityNumber ?? 0),
          severityText: r.severityText ?? '',
          eventName: r.eventName ?? '',
          body: anyValue(r.body),
          attributes: attributes(r.attributes),
          traceId: id(r.traceId),
          spanId: id(r.spanId),
        })),
      })),
    })),
  };
}

/** JSON-safe form of a decoded request: bigint nanoseconds become decimal strings. */
export function toFixtureJson(request: OtlpTraceRequest | OtlpLogsRequest): unknown {
  return JSON.parse(
    JSON.stringify(request, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
  );
}

/** All spans of the given requests, flattened, with their scope name and resource attributes. */
export function allSpans(requests: OtlpTraceRequest[]) {
  return requests.flatMap((r) =>
    r.resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((span) => ({ ...span, scope: ss.scope, resource: rs.resource })),
      ),
    ),
  );
}
