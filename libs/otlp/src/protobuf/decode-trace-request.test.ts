import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { decodeTraceRequestProtobuf } from './decode-trace-request.js';
import {
  I32,
  I64,
  VARINT,
  bytesOf,
  firstSpan,
  fixed64,
  keyValue,
  raw,
  request,
  str,
  sub,
  tag,
  unknowns,
} from './wire-builder.testing.js';

const fullRequest = bytesOf((w) => {
  sub(w, 1, (rs) => {
    unknowns(rs);
    sub(rs, 1, (resource) => {
      keyValue(resource, 1, 'service.name', (v) => str(v, 1, 'chat-api'));
      tag(resource, 2, VARINT).uint32(3);
      sub(resource, 3, (entity) => str(entity, 1, 'service')); // entity_refs: newer than this decoder
      unknowns(resource);
    });
    sub(rs, 1000, (legacy) => str(legacy, 1, 'instrumentation_library_spans')); // retired field
    sub(rs, 2, (ss) => {
      sub(ss, 1, (scope) => {
        str(scope, 1, 'openai-instrumentation');
        str(scope, 2, '1.0.0');
        keyValue(scope, 3, 'scope.attr', (v) => str(v, 1, 'x'));
        tag(scope, 4, VARINT).uint32(1);
        unknowns(scope);
      });
      sub(ss, 2, (span) => {
        raw(
          span,
          1,
          [0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36],
        );
        raw(span, 2, [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]);
        str(span, 3, 'vendor=x');
        raw(span, 4, [0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31]);
        str(span, 5, 'chat');
        tag(span, 6, VARINT).uint32(3);
        fixed64(span, 7, '1700000000123456789');
        fixed64(span, 8, '18446744073709551615');
        keyValue(span, 9, 'int.negative', (v) => tag(v, 3, VARINT).int64(-1));
        keyValue(span, 9, 'int.max', (v) => tag(v, 3, VARINT).int64('9223372036854775807'));
        keyValue(span, 9, 'int.min', (v) => tag(v, 3, VARINT).int64('-9223372036854775808'));
        keyValue(span, 9, 'int.safe', (v) => tag(v, 3, VARINT).int64(Number.MAX_SAFE_INTEGER));
        keyValue(span, 9, 'int.unsafe', (v) => tag(v, 3, VARINT).int64(Number.MAX_SAFE_INTEGER + 1));
        keyValue(span, 9, 'int.safe.negative', (v) => tag(v, 3, VARINT).int64(-Number.MAX_SAFE_INTEGER));
        keyValue(span, 9, 'double', (v) => tag(v, 4, I64).double(-0.5));
        keyValue(span, 9, 'bool', (v) => tag(v, 2, VARINT).bool(true));
        keyValue(span, 9, 'bytes', (v) => raw(v, 7, [0xff, 0xfe, 0x00]));
        keyValue(span, 9, 'empty', () => {});
        sub(span, 9, (kv) => str(kv, 1, 'no.value'));
        keyValue(span, 9, 'array', (v) =>
          sub(v, 5, (array) => {
            sub(array, 1, (item) => str(item, 1, 'a'));
            sub(array, 1, (item) => tag(item, 3, VARINT).int64(2));
            sub(array, 1, () => {});
            unknowns(array);
          }),
        );
        keyValue(span, 9, 'kvlist', (v) =>
          sub(v, 6, (list) => {
            keyValue(list, 1, 'inner', (inner) => tag(inner, 4, I64).double(1.5));
            unknowns(list);
          }),
        );
        keyValue(span, 9, 'later.wins', (v) => {
          str(v, 1, 'first');
          tag(v, 2, VARINT).bool(false);
        });
        keyValue(span, 9, '__proto__', (v) => str(v, 1, 'not a prototype'));
        tag(span, 10, VARINT).uint32(2);
        sub(span, 11, (event) => {
          fixed64(event, 1, '1700000000200000000');
          str(event, 2, 'gen_ai.choice');
          keyValue(event, 3, 'index', (v) => tag(v, 3, VARINT).int64(0));
          tag(event, 4, VARINT).uint32(0);
          unknowns(event);
        });
        tag(span, 12, VARINT).uint32(0);
        sub(span, 13, (link) => {
          raw(link, 1, [0x01, 0x02]);
          raw(link, 2, [0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89]);
          str(link, 3, 'k=v');
          keyValue(link, 4, 'link.attr', (v) => str(v, 1, 'y'));
          tag(link, 5, VARINT).uint32(0);
          tag(link, 6, I32).fixed32(0x301);
          unknowns(link);
        });
        tag(span, 14, VARINT).uint32(0);
        sub(span, 15, (status) => {
          tag(status, 1, VARINT).uint32(2); // deprecated_code, reserved
          str(status, 2, 'boom');
          tag(status, 3, VARINT).uint32(2);
          unknowns(status);
        });
        tag(span, 16, I32).fixed32(0x101);
        unknowns(span);
      });
      str(ss, 3, 'https://opentelemetry.io/schemas/1.30.0');
      unknowns(ss);
    });
    str(rs, 3, 'https://opentelemetry.io/schemas/1.30.0');
  });
});

describe('decodeTraceRequestProtobuf', () => {
  it('decodes an empty request', () => {
    expect(decodeTraceRequestProtobuf(new Uint8Array(0))).toEqual({ resourceSpans: [] });
  });
  it('decodes every field it keeps and skips unknown fields of every wire type at every level', () => {
    const decoded = decodeTraceRequestProtobuf(fullRequest);
    expect(decoded.resourceSpans).toHaveLength(1);
    const [resourceSpans] = decoded.resourceSpans;
    expect(resourceSpans?.resource).toEqual({ 'service.name': 'chat-api' });
    expect(resourceSpans?.scopeSpans[0]?.scope).toEqual({ name: 'openai-instrumentation', version: '1.0.0' });
    const span = resourceSpans?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      parentSpanId: 'b7ad6b7169203331',
      name: 'chat',
      kind: 3,
      startTimeUnixNano: 1700000000123456789n,
      endTimeUnixNano: 18446744073709551615n,
      events: [{ name: 'gen_ai.choice', timeUnixNano: 1700000000200000000n, attributes: { index: 0 } }],
      links: [{ traceId: '0102', spanId: 'abcdef0123456789', attributes: { 'link.attr': 'y' } }],
      status: { code: 2, message: 'boom' },
    });
    expect({ ...span?.attributes }).toEqual({
      'int.negative': -1,
      'int.max': '9223372036854775807',
      'int.min': '-9223372036854775808',
      'int.safe': Number.MAX_SAFE_INTEGER,
      'int.unsafe': '9007199254740992',
      'int.safe.negative': -Number.MAX_SAFE_INTEGER,
      double: -0.5,
      bool: true,
      bytes: '//4A',
      empty: null,
      'no.value': null,
      array: ['a', 2, null],
      kvlist: { inner: 1.5 },
      'later.wins': false,
      ['__proto__']: 'not a prototype',
    });
    expect(Object.getPrototypeOf(span?.attributes)).toBe(Object.prototype);
  });
  it('passes ids of the wrong length through as hex, possibly empty', () => {
    const span = firstSpan(
      request((s) => {
        raw(s, 1, [0xab, 0xcd, 0xef]);
        raw(s, 2, []);
        raw(s, 4, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }),
    );
    expect(span).toMatchObject({ traceId: 'abcdef', spanId: '', parentSpanId: '010203040506070809' });
  });
  it('merges a repeated embedded message and lets the last scalar win', () => {
    const bytes = bytesOf((w) =>
      sub(w, 1, (rs) => {
        sub(rs, 1, (r) => keyValue(r, 1, 'a', (v) => str(v, 1, '1')));
        sub(rs, 1, (r) => keyValue(r, 1, 'b', (v) => str(v, 1, '2')));
        sub(rs, 2, (ss) =>
          sub(ss, 2, (s) => {
            str(s, 5, 'first');
            str(s, 5, 'second');
            sub(s, 15, (st) => str(st, 2, 'message'));
            sub(s, 15, (st) => tag(st, 3, VARINT).uint32(1));
          }),
        );
      }),
    );
    const [resourceSpans] = decodeTraceRequestProtobuf(bytes).resourceSpans;
    expect(resourceSpans?.resource).toEqual({ a: '1', b: '2' });
    expect(resourceSpans?.scopeSpans[0]?.spans[0]).toMatchObject({
      name: 'second',
      status: { code: 1, message: 'message' },
    });
  });
  it('replaces invalid UTF-8 with U+FFFD', () => {
    const span = firstSpan(request((s) => raw(s, 5, [0x61, 0xff, 0x62])));
    expect(span?.name).toBe('a\uFFFDb');
  });
  it('throws OtlpDecodeError for every truncation of a valid request', () => {
    for (let length = 1; length < fullRequest.length; length++) {
      expect(() => decodeTraceRequestProtobuf(fullRequest.subarray(0, length)), `cut at ${length}`).toThrow(
        OtlpDecodeError,
      );
    }
  });

  it('returns the right attribute keys when the caller reuses its buffer for other bytes', () => {
    // Keys go through a cache keyed by their bytes; it must copy them, not keep views of the input.
    const bytes = request((s) => keyValue(s, 9, 'key-0000', (v) => str(v, 1, 'value')));
    const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('0000');
    const decodeKey = (n: number) => {
      bytes.set(new TextEncoder().encode(String(n).padStart(4, '0')), at);
      return Object.keys(firstSpan(bytes)?.attributes ?? {})[0];
    };
    for (let n = 0; n < 3000; n++) expect(decodeKey(n)).toBe(`key-${String(n).padStart(4, '0')}`);
    for (let n = 0; n < 3000; n++) expect(decodeKey(n)).toBe(`key-${String(n).padStart(4, '0')}`);
    const long = 'k'.repeat(100);
    expect(firstSpan(request((s) => keyValue(s, 9, long, (v) => str(v, 1, 'x'))))?.attributes).toEqual({
      [long]: 'x',
    });
  });
});
