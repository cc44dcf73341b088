import type { OtlpResourceSpans, OtlpScopeSpans, OtlpTraceRequest } from '@driftwatch/contracts';
import { readSpan } from './decode-span.js';
import { decodeExportRequest, readResourceGroup, readScopeGroup } from './export-request.js';
import type { Reader } from './wire.js';

// opentelemetry/proto/collector/trace/v1/trace_service.proto, trace/v1/trace.proto
// (the envelope shared with logs is read in export-request.ts):
//   ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
//   ResourceSpans             { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
//   ScopeSpans                { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
const RESOURCE_SPANS_NAMES = ['', 'resource', 'scope_spans', 'schema_url'];
const SCOPE_SPANS_NAMES = ['', 'scope', 'spans', 'schema_url'];

/**
 * Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest). Reads only what OtlpTraceRequest holds;
 * unknown fields are skipped by wire type. Ids of any length come back as hex (possibly empty) for the
 * normalizer to judge; strings with invalid UTF-8 get U+FFFD. Throws OtlpDecodeError when the bytes are
 * not a well-formed message (truncation, bad wire type for a known field, invalid varint or tag).
 */
export function decodeTraceRequestProtobuf(bytes: Uint8Array): OtlpTraceRequest {
  return { resourceSpans: decodeExportRequest(bytes, 'resource_spans', readResourceSpans) };
}

function readResourceSpans(reader: Reader): OtlpResourceSpans {
  const { resource, scopeGroups } = readResourceGroup(reader, RESOURCE_SPANS_NAMES, readScopeSpans);
  return { resource, scopeSpans: scopeGroups };
}

function readScopeSpans(reader: Reader): OtlpScopeSpans {
  const { scope, items } = readScopeGroup(reader, SCOPE_SPANS_NAMES, readSpan);
  return { scope, spans: items };
}
