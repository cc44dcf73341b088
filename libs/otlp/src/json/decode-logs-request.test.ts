import type { OtlpLogRecord, OtlpLogsRequest } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { decodeLogsRequestJson } from './decode-logs-request.js';

const camel = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'chat-api' } }] },
      scopeLogs: [
        {
          scope: { name: 'openai', version: '1.0.0', attributes: [] },
          logRecords: [
            {
              timeUnixNano: '1700000000123456789',
              observedTimeUnixNano: 1700000001,
              severityNumber: 17,
              severityText: 'ERROR',
              body: {
                kvlistValue: {
                  values: [
                    { key: 'role', value: { stringValue: 'user' } },
                    { key: 'tokens', value: { intValue: '-9223372036854775808' } },
                    { key: 'parts', value: { arrayValue: { values: [{ doubleValue: 0.5 }, {}] } } },
                  ],
                },
              },
              attributes: [
                { key: 'gen_ai.system', value: { stringValue: 'openai' } },
                { key: 'bytes', value: { bytesValue: '//4A' } },
              ],
              droppedAttributesCount: 0,
              flags: 1,
              traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
              spanId: '00f067aa0ba902b7',
              eventName: 'gen_ai.user.message',
            },
          ],
          schemaUrl: '',
        },
      ],
      schemaUrl: '',
    },
  ],
};

const emptyRecord: OtlpLogRecord = {
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

const expected: OtlpLogsRequest = {
  resourceLogs: [
    {
      resource: { 'service.name': 'chat-api' },
      scopeLogs: [
        {
          scope: { name: 'openai', version: '1.0.0' },
          logRecords: [
            {
              timeUnixNano: 1700000000123456789n,
              observedTimeUnixNano: 1700000001n,
              severityNumber: 17,
              severityText: 'ERROR',
              body: { role: 'user', tokens: '-9223372036854775808', parts: [0.5, null] },
              attributes: { 'gen_ai.system': 'openai', bytes: '//4A' },
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              eventName: 'gen_ai.user.message',
            },
          ],
        },
      ],
    },
  ],
};

const toSnake = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(toSnake);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), toSnake(v)]),
  );
};

/** A request holding one log record with the given fields. */
const withRecord = (record: Record<string, unknown>): string =>
  JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
const firstRecord = (text: string): OtlpLogRecord | undefined =>
  decodeLogsRequestJson(text).resourceLogs[0]?.scopeLogs[0]?.logRecords[0];

const errorOf = (text: string): OtlpDecodeError => {
  try {
    decodeLogsRequestJson(text);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error('expected an OtlpDecodeError');
};

describe('decodeLogsRequestJson', () => {
  it('decodes OTLP/JSON: hex ids lowercased, integer enums, 64-bit ints as strings or numbers', () => {
    expect(decodeLogsRequestJson(JSON.stringify(camel))).toEqual(expected);
  });

  it('accepts snake_case keys (protobuf JSON mapping) with the same result', () => {
    const snake = JSON.stringify(toSnake(camel));
    expect(snake).toContain('"resource_logs"');
    expect(snake).toContain('"log_records"');
    expect(snake).toContain('"observed_time_unix_nano"');
    expect(snake).toContain('"kvlist_value"');
    expect(decodeLogsRequestJson(snake)).toEqual(expected);
  });

  it.each([
    ['SEVERITY_NUMBER_UNSPECIFIED', 0],
    ['SEVERITY_NUMBER_TRACE', 1],
    ['SEVERITY_NUMBER_DEBUG4', 8],
    ['SEVERITY_NUMBER_INFO', 9],
    ['SEVERITY_NUMBER_WARN2', 14],
    ['SEVERITY_NUMBER_ERROR', 17],
    ['SEVERITY_NUMBER_FATAL4', 24],
    [99, 99],
  ])('accepts severityNumber %j', (severityNumber, number) => {
    expect(firstRecord(withRecord({ severityNumber }))?.severityNumber).toBe(number);
  });

  it('decodes a body of every AnyValue kind; an absent, null or empty body is null', () => {
    const body = (value: unknown) => firstRecord(withRecord({ body: value }))?.body;
    expect(body({ stringValue: 'hi' })).toBe('hi');
    expect(body({ intValue: '42' })).toBe(42);
    expect(body({ boolValue: false })).toBe(false);
    expect(body({ doubleValue: 'Infinity' })).toBe(Number.POSITIVE_INFINITY);
    expect(body({ bytesValue: '_-8' })).toBe('/+8=');
    expect(body({ arrayValue: {} })).toEqual([]);
    expect(body({})).toBeNull();
    expect(body(null)).toBeNull();
    expect(firstRecord(withRecord({}))).toEqual(emptyRecord);
  });

  it('keeps 64-bit integers written as JSON numbers beyond 2^53 exact', () => {
    const text =
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":1700000000123456789,' +
      '"body":{"intValue":9007199254740993}}]}]}]}';
    expect(firstRecord(text)).toMatchObject({ timeUnixNano: 1700000000123456789n, body: '9007199254740993' });
  });

  it('treats null as absent, ignores unknown keys, and decodes {} as an empty request', () => {
    expect(decodeLogsRequestJson('{}')).toEqual({ resourceLogs: [] });
    expect(decodeLogsRequestJson('{"resourceLogs":null,"future":1}')).toEqual({ resourceLogs: [] });
    expect(decodeLogsRequestJson('{"resourceSpans":[{}]}')).toEqual({ resourceLogs: [] });
    const record = firstRecord(withRecord({ eventName: null, severityText: null, somethingNew: { a: 1 } }));
    expect(record).toEqual(emptyRecord);
  });

  it.each([
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{}, { severityNumber: 'WARN' }] }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords[1].severityNumber: expected a SeverityNumber integer or name, got "WARN"',
    ],
    [
      { resource_logs: [{ scope_logs: [{ log_records: [{ time_unix_nano: '-1' }] }] }] },
      'resource_logs[0].scope_logs[0].log_records[0].time_unix_nano: expected a non-negative integer, got "-1"',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ observedTimeUnixNano: 1.5 }] }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords[0].observedTimeUnixNano: expected an integer, got 1.5',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { intValue: '12a' } }] }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords[0].body.intValue: expected an integer, got "12a"',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: 'text' }] }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords[0].body: expected an object, got "text"',
    ],
    [
      {
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ attributes: [{ key: 'a', value: { boolValue: 1 } }] }] }] },
        ],
      },
      'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].value.boolValue: expected a boolean, got 1',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ span_id: 12 }] }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords[0].span_id: expected a hex string, got 12',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ eventName: ['x'] }] }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords[0].eventName: expected a string, got an array',
    ],
    [
      { resourceLogs: [{ resource: { attributes: [{ key: 'k', value: { intValue: 1.5 } }] } }] },
      'resourceLogs[0].resource.attributes[0].value.intValue: expected an integer, got 1.5',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ logRecords: {} }] }] },
      'resourceLogs[0].scopeLogs[0].logRecords: expected an array, got an object',
    ],
    [
      { resourceLogs: [{ scopeLogs: [{ scope: { version: 2 } }] }] },
      'resourceLogs[0].scopeLogs[0].scope.version: expected a string, got 2',
    ],
    ['logs', 'expected an object, got "logs"'],
  ])('reports where the input is wrong: %#', (input, message) => {
    const error = errorOf(JSON.stringify(input));
    expect(error.message).toBe(message);
    expect(error.retryable).toBe(false);
  });

  it('reports invalid JSON', () => {
    expect(errorOf('{"resourceLogs": [').message).toMatch(/^invalid JSON: /);
  });
});
