import type { OtlpEvent, OtlpLink, OtlpSpan } from '@driftwatch/contracts';
import { readKeyValueInto } from './any-value.js';
import type { Reader } from './wire.js';
import { enter, fieldMask, leave, located, readFixed64, readHex, segment, skipField } from './wire.js';

// opentelemetry/proto/trace/v1/trace.proto
//   Span   { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
//            string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7;
//            fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9;
//            uint32 dropped_attributes_count = 10; repeated Event events = 11;
//            uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14;
//            Status status = 15; fixed32 flags = 16; }
//   Event  { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3;
//            uint32 dropped_attributes_count = 4; }
//   Link   { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
//            uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
//   Status { reserved 1; string message = 2; StatusCode code = 3; }
// Tags below are (field << 3) | wire type; fields we do not keep are still checked for their wire type.
const SPAN_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
const SPAN_NAMES = [
  '',
  'trace_id',
  'span_id',
  'trace_state',
  'parent_span_id',
  'name',
  'kind',
  'start_time_unix_nano',
  'end_time_unix_nano',
  'attributes',
  'dropped_attributes_count',
  'events',
  'dropped_events_count',
  'links',
  'dropped_links_count',
  'status',
  'flags',
];
const EVENT_FIELDS = fieldMask(1, 2, 3, 4);
const EVENT_NAMES = ['', 'time_unix_nano', 'name', 'attributes', 'dropped_attributes_count'];
const LINK_FIELDS = fieldMask(1, 2, 3, 4, 5, 6);
const LINK_NAMES = [
  '',
  'trace_id',
  'span_id',
  'trace_state',
  'attributes',
  'dropped_attributes_count',
  'flags',
];
const STATUS_FIELDS = fieldMask(2, 3);
const STATUS_NAMES = ['', '', 'message', 'code'];

export function readSpan(reader: Reader): OtlpSpan {
  const span: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
  };
  const outer = enter(reader);
  let attributeCount = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      switch (tag) {
        case 10:
          span.traceId = readHex(reader);
          break;
        case 18:
          span.spanId = readHex(reader);
          break;
        case 34:
          span.parentSpanId = readHex(reader);
          break;
        case 42:
          span.name = reader.string();
          break;
        case 48:
          span.kind = reader.int32();
          break;
        case 57:
          span.startTimeUnixNano = readFixed64(reader);
          break;
        case 65:
          span.endTimeUnixNano = readFixed64(reader);
          break;
        case 74:
          readKeyValueInto(reader, span.attributes, 0);
          attributeCount++;
          break;
        case 90:
          span.events.push(readEvent(reader));
          break;
        case 106:
          span.links.push(readLink(reader));
          break;
        case 122:
          readStatusInto(reader, span.status);
          break;
        case 26: // trace_state: not kept
          reader.skip(reader.size());
          break;
        case 80: // dropped_*_count: not kept
        case 96:
        case 112:
          reader.skip();
          break;
        case 133: // flags (fixed32): not kept
          reader.skip(4);
          break;
        default:
          skipField(reader, tag, SPAN_FIELDS);
      }
      tag = 0;
    }
  } catch (error) {
    const field = tag >>> 3;
    const index =
      field === 9
        ? attributeCount
        : field === 11
          ? span.events.length
          : field === 13
            ? span.links.length
            : -1;
    throw located(error, segment(SPAN_NAMES, tag, index));
  }
  leave(reader, outer);
  return span;
}

function readEvent(reader: Reader): OtlpEvent {
  const event: OtlpEvent = { name: '', timeUnixNano: 0n, attributes: {} };
  const outer = enter(reader);
  let attributeCount = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 9) event.timeUnixNano = readFixed64(reader);
      else if (tag === 18) event.name = reader.string();
      else if (tag === 26) {
        readKeyValueInto(reader, event.attributes, 0);
        attributeCount++;
      } else if (tag === 32) reader.skip();
      else skipField(reader, tag, EVENT_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(EVENT_NAMES, tag, tag >>> 3 === 3 ? attributeCount : -1));
  }
  leave(reader, outer);
  return event;
}

function readLink(reader: Reader): OtlpLink {
  const link: OtlpLink = { traceId: '', spanId: '', attributes: {} };
  const outer = enter(reader);
  let attributeCount = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) link.traceId = readHex(reader);
      else if (tag === 18) link.spanId = readHex(reader);
      else if (tag === 34) {
        readKeyValueInto(reader, link.attributes, 0);
        attributeCount++;
      } else if (tag === 26) reader.skip(reader.size());
      else if (tag === 40) reader.skip();
      else if (tag === 53) reader.skip(4);
      else skipField(reader, tag, LINK_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(LINK_NAMES, tag, tag >>> 3 === 4 ? attributeCount : -1));
  }
  leave(reader, outer);
  return link;
}

/** Merges into `status`: a repeated embedded message merges field by field, as protobuf specifies. */
function readStatusInto(reader: Reader, status: OtlpSpan['status']): void {
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 18) status.message = reader.string();
      else if (tag === 24) status.code = reader.int32();
      else skipField(reader, tag, STATUS_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(STATUS_NAMES, tag));
  }
  leave(reader, outer);
}
