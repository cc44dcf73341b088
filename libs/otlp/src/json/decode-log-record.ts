import type { OtlpLogRecord } from '@driftwatch/contracts';
import { atPath } from '../errors.js';
import { readAnyValue, readAttributesInto } from './any-value.js';
import { expectEnum, expectId, expectObject, expectString, expectUint64 } from './values.js';

/** SeverityNumber names: SEVERITY_NUMBER_UNSPECIFIED = 0, TRACE = 1, TRACE2 = 2 ... FATAL4 = 24. */
const SEVERITY_NUMBER: Readonly<Record<string, number>> = Object.fromEntries([
  ['SEVERITY_NUMBER_UNSPECIFIED', 0],
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level, i) =>
    ['', '2', '3', '4'].map((suffix, j): [string, number] => [
      `SEVERITY_NUMBER_${level}${suffix}`,
      i * 4 + j + 1,
    ]),
  ),
]);

/**
 * One OTLP/JSON LogRecord. The body is an AnyValue (null when absent or empty). Unknown keys and fields
 * OtlpLogRecord does not hold (flags, droppedAttributesCount) are ignored.
 */
export function readLogRecord(item: unknown): OtlpLogRecord {
  const json = expectObject(item);
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
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      switch (name) {
        case 'timeUnixNano':
        case 'time_unix_nano':
          record.timeUnixNano = expectUint64(value);
          break;
        case 'observedTimeUnixNano':
        case 'observed_time_unix_nano':
          record.observedTimeUnixNano = expectUint64(value);
          break;
        case 'severityNumber':
        case 'severity_number':
          record.severityNumber = expectEnum(value, SEVERITY_NUMBER, 'SeverityNumber');
          break;
        case 'severityText':
        case 'severity_text':
          record.severityText = expectString(value);
          break;
        case 'body':
          record.body = readAnyValue(value, 0);
          break;
        case 'attributes':
          readAttributesInto(record.attributes, value, 0);
          break;
        case 'traceId':
        case 'trace_id':
          record.traceId = expectId(value);
          break;
        case 'spanId':
        case 'span_id':
          record.spanId = expectId(value);
          break;
        case 'eventName':
        case 'event_name':
          record.eventName = expectString(value);
          break;
      }
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return record;
}
