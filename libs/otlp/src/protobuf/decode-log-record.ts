import type { OtlpLogRecord } from '@driftwatch/contracts';
import { readAnyValue, readKeyValueInto } from './any-value.js';
import type { Reader } from './wire.js';
import { enter, fieldMask, leave, located, readFixed64, readHex, segment, skipField } from './wire.js';

// opentelemetry/proto/logs/v1/logs.proto
//   LogRecord { fixed64 time_unix_nano = 1; SeverityNumber severity_number = 2; string severity_text = 3;
//               reserved 4; AnyValue body = 5; repeated KeyValue attributes = 6;
//               uint32 dropped_attributes_count = 7; fixed32 flags = 8; bytes trace_id = 9;
//               bytes span_id = 10; fixed64 observed_time_unix_nano = 11; string event_name = 12; }
// Tags below are (field << 3) | wire type; fields we do not keep are still checked for their wire type.
const LOG_RECORD_FIELDS = fieldMask(1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12);
const LOG_RECORD_NAMES = [
  '',
  'time_unix_nano',
  'severity_number',
  'severity_text',
  '',
  'body',
  'attributes',
  'dropped_attributes_count',
  'flags',
  'trace_id',
  'span_id',
  'observed_time_unix_nano',
  'event_name',
];

/**
 * One length-delimited LogRecord. A missing or empty body is null; a repeated body replaces the earlier
 * one. Unknown severity numbers are kept (proto3 enums are open).
 */
export function readLogRecord(reader: Reader): OtlpLogRecord {
  const record: OtlpLogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {},
    traceId: '',
    spanId: '',
    eventName: '',
  };
  const outer = enter(reader);
  let attributeCount = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      switch (tag) {
        case 9:
          record.timeUnixNano = readFixed64(reader);
          break;
        case 16:
          record.severityNumber = reader.int32();
          break;
        case 26:
          record.severityText = reader.string();
          break;
        case 42:
          record.body = readAnyValue(reader, 0);
          break;
        case 50:
          readKeyValueInto(reader, record.attributes, 0);
          attributeCount++;
          break;
        case 74:
          record.traceId = readHex(reader);
          break;
        case 82:
          record.spanId = readHex(reader);
          break;
        case 89:
          record.observedTimeUnixNano = readFixed64(reader);
          break;
        case 98:
          record.eventName = reader.string();
          break;
        case 56: // dropped_attributes_count: not kept
          reader.skip();
          break;
        case 69: // flags (fixed32): not kept
          reader.skip(4);
          break;
        default:
          skipField(reader, tag, LOG_RECORD_FIELDS);
      }
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(LOG_RECORD_NAMES, tag, tag >>> 3 === 6 ? attributeCount : -1));
  }
  leave(reader, outer);
  return record;
}
