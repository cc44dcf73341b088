import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { decodeLogsRequestProtobuf } from './decode-logs-request.js';
import {
  I32,
  I64,
  LEN,
  VARINT,
  bytesOf,
  decodeError,
  firstLogRecord,
  fixed64,
  keyValue,
  logsRequest,
  raw,
  str,
  sub,
  tag,
  unknowns,
} from './wire-builder.testing.js';

const TRACE_ID = [
  0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
];
const SPAN_ID = [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7];

const recordWithEveryField = bytesOf((w) => {
  sub(w, 1, (rl) => {
    unknowns(rl);
    sub(rl, 1, (resource) => {
      keyValue(resource, 1, 'service.name', (v) => str(v, 1, 'chat-api'));
      tag(resource, 2, VARINT).uint32(1);
      unknowns(resource);
    });
    sub(rl, 1000, (legacy) => str(legacy, 1, 'instrumentation_library_logs')); // retired field
    sub(rl, 2, (sl) => {
      sub(sl, 1, (scope) => {
        str(scope, 1, 'openai-instrumentation');
        str(scope, 2, '1.0.0');
        keyValue(scope, 3, 'scope.attr', (v) => str(v, 1, 'x'));
        tag(scope, 4, VARINT).uint32(0);
        unknowns(scope);
      });
      sub(sl, 2, (record) => {
        fixed64(record, 1, '1700000000123456789');
        tag(record, 2, VARINT).int32(17);
        str(record, 3, 'ERROR');
        str(record, 4, 'reserved field 4, skipped as unknown');
        sub(record, 5, (body) =>
          sub(body, 6, (list) => {
            keyValue(list, 1, 'role', (v) => str(v, 1, 'user'));
            keyValue(list, 1, 'tokens', (v) => tag(v, 3, VARINT).int64('9223372036854775807'));
            unknowns(list);
          }),
        );
        keyValue(record, 6, 'gen_ai.system', (v) => str(v, 1, 'openai'));
        keyValue(record, 6, 'ratio', (v) => tag(v, 4, I64).double(0.5));
        tag(record, 7, VARINT).uint32(2);
        tag(record, 8, I32).fixed32(1);
        raw(record, 9, TRACE_ID);
        raw(record, 10, SPAN_ID);
        fixed64(record, 11, '18446744073709551615');
        str(record, 12, 'gen_ai.user.message');
        unknowns(record);
      });
      str(sl, 3, 'https://opentelemetry.io/schemas/1.30.0');
      unknowns(sl);
    });
    str(rl, 3, 'https://opentelemetry.io/schemas/1.30.0');
  });
});
const emptyRecord = bytesOf((w) => sub(w, 1, (rl) => sub(rl, 2, (sl) => sub(sl, 2, () => {}))));
const fullRequest = new Uint8Array([...recordWithEveryField, ...emptyRecord]);

describe('decodeLogsRequestProtobuf', () => {
  it('decodes an empty request', () => {
    expect(decodeLogsRequestProtobuf(new Uint8Array(0))).toEqual({ resourceLogs: [] });
  });

  it('decodes every field it keeps and skips unknown fields of every wire type at every level', () => {
    expect(decodeLogsRequestProtobuf(fullRequest)).toEqual({
      resourceLogs: [
        {
          resource: { 'service.name': 'chat-api' },
          scopeLogs: [
            {
              scope: { name: 'openai-instrumentation', version: '1.0.0' },
              logRecords: [
                {
                  timeUnixNano: 1700000000123456789n,
                  observedTimeUnixNano: 18446744073709551615n,
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: { role: 'user', tokens: '9223372036854775807' },
                  attributes: { 'gen_ai.system': 'openai', ratio: 0.5 },
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b7',
                  eventName: 'gen_ai.user.message',
                },
              ],
            },
          ],
        },
        {
          resource: {},
          scopeLogs: [
            {
              scope: { name: '', version: '' },
              logRecords: [
                {
                  timeUnixNano: 0n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 0,
                  severityText: '',
                  body: null,
                  attributes: {},
                  traceId: '',
                  spanId: '',
                  eventName: '',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('keeps unknown severity numbers, ids of any length, and lets a later body replace an earlier one', () => {
    const record = firstLogRecord(
      logsRequest((r) => {
        tag(r, 2, VARINT).int32(99);
        raw(r, 9, [0xab, 0xcd, 0xef]);
        raw(r, 10, []);
        sub(r, 5, (body) => str(body, 1, 'first'));
        sub(r, 5, (body) =>
          sub(body, 5, (array) => sub(array, 1, (item) => tag(item, 2, VARINT).bool(true))),
        );
      }),
    );
    expect(record).toMatchObject({ severityNumber: 99, traceId: 'abcdef', spanId: '', body: [true] });
    expect(firstLogRecord(logsRequest((r) => sub(r, 5, () => {})))?.body).toBeNull();
  });

  it('says where the input was truncated', () => {
    const error = decodeError(
      logsRequest((r) => {
        keyValue(r, 6, 'a', (v) => str(v, 1, 'x'));
        tag(r, 6, LEN).uint32(40); // attributes[1] claims 40 bytes; the record has none left
      }),
      decodeLogsRequestProtobuf,
    );
    expect(error.path).toBe('resource_logs[0].scope_logs[0].log_records[0].attributes[1]');
    expect(error.message).toMatch(/: truncated/);
    expect(error.retryable).toBe(false);

    const cut = decodeError(
      logsRequest((r) => tag(r, 11, I64).fixed32(1)),
      decodeLogsRequestProtobuf,
    );
    expect(cut.path).toBe('resource_logs[0].scope_logs[0].log_records[0].observed_time_unix_nano');
  });

  it('rejects a known field with the wrong wire type, with the path of the field', () => {
    const cases: [(r: Parameters<typeof str>[0]) => void, string][] = [
      [(r) => tag(r, 5, VARINT).uint32(1), 'body: unexpected wire type 0 (varint)'],
      [(r) => tag(r, 8, VARINT).uint32(1), 'flags: unexpected wire type 0 (varint)'],
      [(r) => tag(r, 12, I32).fixed32(1), 'event_name: unexpected wire type 5 (fixed32)'],
      [
        (r) => sub(r, 5, (body) => tag(body, 1, VARINT).uint32(1)),
        'body.string_value: unexpected wire type 0 (varint)',
      ],
    ];
    for (const [build, message] of cases) {
      expect(decodeError(logsRequest(build), decodeLogsRequestProtobuf).message).toBe(
        `resource_logs[0].scope_logs[0].log_records[0].${message}`,
      );
    }
    const scope = bytesOf((w) => sub(w, 1, (rl) => sub(rl, 2, (sl) => tag(sl, 2, VARINT).uint32(1))));
    expect(decodeError(scope, decodeLogsRequestProtobuf).message).toBe(
      'resource_logs[0].scope_logs[0].log_records: unexpected wire type 0 (varint)',
    );
  });

  it('throws OtlpDecodeError for every truncation of a valid request', () => {
    for (let length = 1; length < fullRequest.length; length++) {
      if (length === recordWithEveryField.length) continue; // a whole resource_logs: a valid request
      expect(() => decodeLogsRequestProtobuf(fullRequest.subarray(0, length)), `cut at ${length}`).toThrow(
        OtlpDecodeError,
      );
    }
  });
});
