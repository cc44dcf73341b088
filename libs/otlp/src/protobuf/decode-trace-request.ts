import type { Attributes, OtlpResourceSpans, OtlpScopeSpans, OtlpTraceRequest } from '@driftwatch/contracts';
import { readKeyValueInto } from './any-value.js';
import { readSpan } from './decode-span.js';
import type { Reader } from './wire.js';
import { createReader, enter, fieldMask, leave, located, segment, skipField } from './wire.js';

// opentelemetry/proto/collector/trace/v1/trace_service.proto, trace/v1/trace.proto, resource/v1/resource.proto,
// common/v1/common.proto:
//   ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
//   ResourceSpans             { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
//   ScopeSpans                { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
//   Resource                  { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; ... }
//   InstrumentationScope      { string name = 1; string version = 2; repeated KeyValue attributes = 3;
//                               uint32 dropped_attributes_count = 4; }
// Tags below are (field << 3) | wire type. Unknown fields (e.g. the retired instrumentation_library_spans = 1000,
// Resource.entity_refs = 3) are skipped by wire type.
const REQUEST_FIELDS = fieldMask(1);
const RESOURCE_SPANS_FIELDS = fieldMask(1, 2, 3);
const RESOURCE_SPANS_NAMES = ['', 'resource', 'scope_spans', 'schema_url'];
const SCOPE_SPANS_FIELDS = fieldMask(1, 2, 3);
const SCOPE_SPANS_NAMES = ['', 'scope', 'spans', 'schema_url'];
const RESOURCE_FIELDS = fieldMask(1, 2);
const RESOURCE_NAMES = ['', 'attributes', 'dropped_attributes_count'];
const SCOPE_FIELDS = fieldMask(1, 2, 3, 4);
const SCOPE_NAMES = ['', 'name', 'version', 'attributes', 'dropped_attributes_count'];

/**
 * Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest). Reads only what OtlpTraceRequest holds;
 * unknown fields are skipped by wire type. Ids of any length come back as hex (possibly empty) for the
 * normalizer to judge; strings with invalid UTF-8 get U+FFFD. Throws OtlpDecodeError when the bytes are
 * not a well-formed message (truncation, bad wire type for a known field, invalid varint or tag).
 */
export function decodeTraceRequestProtobuf(bytes: Uint8Array): OtlpTraceRequest {
  const reader = createReader(bytes);
  const resourceSpans: OtlpResourceSpans[] = [];
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) resourceSpans.push(readResourceSpans(reader));
      else skipField(reader, tag, REQUEST_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(['', 'resource_spans'], tag, tag === 10 ? resourceSpans.length : -1));
  }
  return { resourceSpans };
}

function readResourceSpans(reader: Reader): OtlpResourceSpans {
  const resourceSpans: OtlpResourceSpans = { resource: {}, scopeSpans: [] };
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) readResourceInto(reader, resourceSpans.resource);
      else if (tag === 18) resourceSpans.scopeSpans.push(readScopeSpans(reader));
      else if (tag === 26) reader.skip(reader.size());
      else skipField(reader, tag, RESOURCE_SPANS_FIELDS);
      tag = 0;
    }
  } catch (error) {
    const index = tag === 18 ? resourceSpans.scopeSpans.length : -1;
    throw located(error, segment(RESOURCE_SPANS_NAMES, tag, index));
  }
  leave(reader, outer);
  return resourceSpans;
}

function readScopeSpans(reader: Reader): OtlpScopeSpans {
  const scopeSpans: OtlpScopeSpans = { scope: { name: '', version: '' }, spans: [] };
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 18) scopeSpans.spans.push(readSpan(reader));
      else if (tag === 10) readScopeInto(reader, scopeSpans.scope);
      else if (tag === 26) reader.skip(reader.size());
      else skipField(reader, tag, SCOPE_SPANS_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(SCOPE_SPANS_NAMES, tag, tag === 18 ? scopeSpans.spans.length : -1));
  }
  leave(reader, outer);
  return scopeSpans;
}

function readResourceInto(reader: Reader, attributes: Attributes): void {
  const outer = enter(reader);
  let attributeCount = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) {
        readKeyValueInto(reader, attributes, 0);
        attributeCount++;
      } else if (tag === 16) reader.skip();
      else skipField(reader, tag, RESOURCE_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(RESOURCE_NAMES, tag, tag === 10 ? attributeCount : -1));
  }
  leave(reader, outer);
}

function readScopeInto(reader: Reader, scope: OtlpScopeSpans['scope']): void {
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) scope.name = reader.string();
      else if (tag === 18) scope.version = reader.string();
      else if (tag === 26)
        reader.skip(reader.size()); // scope attributes: not kept
      else if (tag === 32) reader.skip();
      else skipField(reader, tag, SCOPE_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(SCOPE_NAMES, tag));
  }
  leave(reader, outer);
}
