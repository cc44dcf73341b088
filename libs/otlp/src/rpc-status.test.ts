import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { encodeRpcStatusJson, encodeRpcStatusProtobuf, RETRY_INFO_TYPE_URL } from './rpc-status.js';

// Decoded by protobufjs from the published .proto definitions, independently of the hand-written encoder.
const root = protobuf.parse(`
  syntax = "proto3";
  package google;
  message Any { string type_url = 1; bytes value = 2; }
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message RetryInfo { Duration retry_delay = 1; }
`).root;
const Status = root.lookupType('google.Status');
const RetryInfo = root.lookupType('google.RetryInfo');

interface DecodedStatus {
  code: number;
  message: string;
  details: Array<{ typeUrl: string; value: Uint8Array }>;
}

function decode(bytes: Uint8Array): DecodedStatus {
  return Status.toObject(Status.decode(bytes), { defaults: true, longs: Number }) as DecodedStatus;
}

describe('google.rpc.Status encoding', () => {
  it('round-trips code and message through a protobuf decoder', () => {
    const decoded = decode(encodeRpcStatusProtobuf({ code: 3, message: 'spans[0].traceId: 15 bytes ✗' }));
    expect(decoded).toEqual({ code: 3, message: 'spans[0].traceId: 15 bytes ✗', details: [] });
  });

  it('carries a RetryInfo detail with the delay in seconds', () => {
    const decoded = decode(encodeRpcStatusProtobuf({ code: 8, message: 'busy', retryDelaySeconds: 7 }));
    expect(decoded.code).toBe(8);
    expect(decoded.details).toHaveLength(1);
    expect(decoded.details[0]?.typeUrl).toBe(RETRY_INFO_TYPE_URL);
    const retry = RetryInfo.toObject(RetryInfo.decode(decoded.details[0]!.value), {
      defaults: true,
      longs: Number,
    });
    expect(retry).toEqual({ retryDelay: { seconds: 7, nanos: 0 } });
  });

  it('encodes large codes and long messages (multi-byte varints)', () => {
    const message = 'x'.repeat(300);
    expect(decode(encodeRpcStatusProtobuf({ code: 16, message }))).toMatchObject({ code: 16, message });
  });

  it('writes the protobuf JSON mapping, RetryInfo as an Any with a duration string', () => {
    expect(JSON.parse(encodeRpcStatusJson({ code: 14, message: 'later', retryDelaySeconds: 2 }))).toEqual({
      code: 14,
      message: 'later',
      details: [{ '@type': RETRY_INFO_TYPE_URL, retryDelay: '2s' }],
    });
    expect(JSON.parse(encodeRpcStatusJson({ code: 3, message: 'bad' }))).toEqual({ code: 3, message: 'bad' });
  });

  it('refuses codes outside google.rpc.Code and negative or fractional delays', () => {
    expect(() => encodeRpcStatusProtobuf({ code: 17, message: '' })).toThrow(RangeError);
    expect(() => encodeRpcStatusJson({ code: 3, message: '', retryDelaySeconds: -1 })).toThrow(RangeError);
    expect(() => encodeRpcStatusJson({ code: 3, message: '', retryDelaySeconds: 0.5 })).toThrow(RangeError);
  });
});
