import type { OtlpEvent, OtlpLink, OtlpSpan } from '@driftwatch/contracts';
import { atPath } from '../errors.js';
import { readAttributesInto } from './any-value.js';
import { expectEnum, expectId, expectObject, expectString, expectUint64, readArray } from './values.js';

const SPAN_KIND: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/** One OTLP/JSON Span. Unknown keys and fields OtlpSpan does not hold (traceState, flags, dropped counts) are ignored. */
export function readSpan(item: unknown): OtlpSpan {
  const json = expectObject(item);
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
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      switch (name) {
        case 'traceId':
        case 'trace_id':
          span.traceId = expectId(value);
          break;
        case 'spanId':
        case 'span_id':
          span.spanId = expectId(value);
          break;
        case 'parentSpanId':
        case 'parent_span_id':
          span.parentSpanId = expectId(value);
          break;
        case 'name':
          span.name = expectString(value);
          break;
        case 'kind':
          span.kind = expectEnum(value, SPAN_KIND, 'SpanKind');
          break;
        case 'startTimeUnixNano':
        case 'start_time_unix_nano':
          span.startTimeUnixNano = expectUint64(value);
          break;
        case 'endTimeUnixNano':
        case 'end_time_unix_nano':
          span.endTimeUnixNano = expectUint64(value);
          break;
        case 'attributes':
          readAttributesInto(span.attributes, value, 0);
          break;
        case 'events':
          span.events = readArray(value, readEvent);
          break;
        case 'links':
          span.links = readArray(value, readLink);
          break;
        case 'status':
          span.status = readStatus(value);
          break;
      }
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return span;
}

function readEvent(item: unknown): OtlpEvent {
  const json = expectObject(item);
  const event: OtlpEvent = { name: '', timeUnixNano: 0n, attributes: {} };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'timeUnixNano' || name === 'time_unix_nano') event.timeUnixNano = expectUint64(value);
      else if (name === 'name') event.name = expectString(value);
      else if (name === 'attributes') readAttributesInto(event.attributes, value, 0);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return event;
}

function readLink(item: unknown): OtlpLink {
  const json = expectObject(item);
  const link: OtlpLink = { traceId: '', spanId: '', attributes: {} };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'traceId' || name === 'trace_id') link.traceId = expectId(value);
      else if (name === 'spanId' || name === 'span_id') link.spanId = expectId(value);
      else if (name === 'attributes') readAttributesInto(link.attributes, value, 0);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return link;
}

function readStatus(item: unknown): OtlpSpan['status'] {
  const json = expectObject(item);
  const status = { code: 0, message: '' };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'code') status.code = expectEnum(value, STATUS_CODE, 'StatusCode');
      else if (name === 'message') status.message = expectString(value);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return status;
}
