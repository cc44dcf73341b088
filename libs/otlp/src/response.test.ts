import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import {
  encodeLogsResponseJson,
  encodeLogsResponseProtobuf,
  encodeTraceResponseJson,
  encodeTraceResponseProtobuf,
} from './response.js';

const utf8 = (text: string) => [...new TextEncoder().encode(text)];

describe('encodeTraceResponseProtobuf', () => {
  it('encodes full success as the empty message', () => {
    expect(encodeTraceResponseProtobuf({ rejectedSpans: 0, errorMessage: '' })).toEqual(new Uint8Array(0));
  });

  it('encodes partial_success (field 1) with rejected_spans (1, varint) and error_message (2, string)', () => {
    const bytes = encodeTraceResponseProtobuf({ rejectedSpans: 300, errorMessage: 'bad id' });
    // 0x0a = field 1 LEN; 0x08 = field 1 varint, 300 = ac 02; 0x12 = field 2 LEN
    expect([...bytes]).toEqual([0x0a, 11, 0x08, 0xac, 0x02, 0x12, 6, ...utf8('bad id')]);
    expect(ProtobufTraceSerializer.deserializeResponse(bytes)).toEqual({
      partialSuccess: { rejectedSpans: 300, errorMessage: 'bad id' },
    });
  });

  it('omits zero rejected_spans when only a warning is sent', () => {
    const bytes = encodeTraceResponseProtobuf({ rejectedSpans: 0, errorMessage: 'slow down' });
    expect([...bytes]).toEqual([0x0a, 11, 0x12, 9, ...utf8('slow down')]);
    expect(ProtobufTraceSerializer.deserializeResponse(bytes)).toEqual({
      partialSuccess: { errorMessage: 'slow down' },
    });
  });

  it('refuses a rejected count that is not a non-negative integer', () => {
    expect(() => encodeTraceResponseProtobuf({ rejectedSpans: -1, errorMessage: '' })).toThrow(RangeError);
    expect(() => encodeTraceResponseJson({ rejectedSpans: 1.5, errorMessage: '' })).toThrow(RangeError);
  });
});

describe('encodeTraceResponseJson', () => {
  it('encodes full success as {}', () => {
    expect(encodeTraceResponseJson({ rejectedSpans: 0, errorMessage: '' })).toBe('{}');
  });

  it('encodes partialSuccess with int64 as a decimal string', () => {
    const text = encodeTraceResponseJson({ rejectedSpans: 2, errorMessage: '2 spans had invalid ids' });
    expect(text).toBe('{"partialSuccess":{"rejectedSpans":"2","errorMessage":"2 spans had invalid ids"}}');
    expect(JsonTraceSerializer.deserializeResponse(new TextEncoder().encode(text))).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: '2 spans had invalid ids' },
    });
  });

  it('omits zero rejectedSpans when only a warning is sent', () => {
    expect(encodeTraceResponseJson({ rejectedSpans: 0, errorMessage: 'w' })).toBe(
      '{"partialSuccess":{"errorMessage":"w"}}',
    );
  });
});

describe('encodeLogsResponseProtobuf', () => {
  it('encodes full success as the empty message', () => {
    expect(encodeLogsResponseProtobuf({ rejectedLogRecords: 0, errorMessage: '' })).toEqual(
      new Uint8Array(0),
    );
  });

  it('encodes partial_success (field 1) with rejected_log_records (1, varint) and error_message (2)', () => {
    const bytes = encodeLogsResponseProtobuf({ rejectedLogRecords: 300, errorMessage: 'bad id' });
    expect([...bytes]).toEqual([0x0a, 11, 0x08, 0xac, 0x02, 0x12, 6, ...utf8('bad id')]);
    expect(ProtobufLogsSerializer.deserializeResponse(bytes)).toEqual({
      partialSuccess: { rejectedLogRecords: 300, errorMessage: 'bad id' },
    });
  });

  it('omits zero rejected_log_records when only a warning is sent', () => {
    const bytes = encodeLogsResponseProtobuf({ rejectedLogRecords: 0, errorMessage: 'w' });
    expect(ProtobufLogsSerializer.deserializeResponse(bytes)).toEqual({
      partialSuccess: { errorMessage: 'w' },
    });
  });

  it('refuses a rejected count that is not a non-negative integer', () => {
    expect(() => encodeLogsResponseProtobuf({ rejectedLogRecords: -1, errorMessage: '' })).toThrow(
      'rejectedLogRecords must be a non-negative safe integer, got -1',
    );
    expect(() => encodeLogsResponseJson({ rejectedLogRecords: 2 ** 53, errorMessage: '' })).toThrow(
      RangeError,
    );
  });
});

describe('encodeLogsResponseJson', () => {
  it('encodes full success as {}', () => {
    expect(encodeLogsResponseJson({ rejectedLogRecords: 0, errorMessage: '' })).toBe('{}');
  });

  it('encodes partialSuccess with int64 as a decimal string', () => {
    const text = encodeLogsResponseJson({ rejectedLogRecords: 2, errorMessage: '2 records had no body' });
    expect(text).toBe('{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"2 records had no body"}}');
    expect(JsonLogsSerializer.deserializeResponse(new TextEncoder().encode(text))).toEqual({
      partialSuccess: { rejectedLogRecords: '2', errorMessage: '2 records had no body' },
    });
  });

  it('omits an empty errorMessage', () => {
    expect(encodeLogsResponseJson({ rejectedLogRecords: 1, errorMessage: '' })).toBe(
      '{"partialSuccess":{"rejectedLogRecords":"1"}}',
    );
  });
});
