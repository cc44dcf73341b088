import { describe, expect, it } from 'vitest';
import type { Build } from './wire-builder.testing.js';
import {
  I64,
  LEN,
  VARINT,
  bytesOf,
  decodeError,
  firstSpan,
  keyValue,
  request,
  str,
  sub,
  tag,
} from './wire-builder.testing.js';

describe('decodeTraceRequestProtobuf on malformed input', () => {
  it('says where the input was truncated', () => {
    const bytes = request((s) => {
      str(s, 5, 'chat');
      tag(s, 7, I64).fixed32(1); // only 4 of the 8 bytes of start_time_unix_nano
    });
    const error = decodeError(bytes);
    expect(error.path).toBe('resource_spans[0].scope_spans[0].spans[0].start_time_unix_nano');
    expect(error.message).toMatch(
      /^resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]\.start_time_unix_nano: truncated/,
    );
    expect(error.retryable).toBe(false);
  });
  it('rejects a length that overruns its enclosing message even when the buffer is longer', () => {
    const span = bytesOf((s) => {
      str(s, 5, 'chat');
      tag(s, 9, LEN).uint32(50); // attributes claims 50 bytes; the span has none left
    });
    const bytes = bytesOf((w) =>
      sub(w, 1, (rs) =>
        sub(rs, 2, (ss) => {
          tag(ss, 2, LEN).bytes(span);
          sub(ss, 2, (next) => str(next, 5, 'padding '.repeat(10)));
        }),
      ),
    );
    expect(decodeError(bytes).message).toMatch(
      /^resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]\.attributes\[0\]: truncated/,
    );
  });
  it('rejects a known field with the wrong wire type', () => {
    const error = decodeError(request((s) => tag(s, 5, VARINT).uint32(1)));
    expect(error.message).toBe(
      'resource_spans[0].scope_spans[0].spans[0].name: unexpected wire type 0 (varint)',
    );
    const nested = decodeError(request((s) => keyValue(s, 9, 'k', (v) => tag(v, 4, VARINT).uint32(1))));
    expect(nested.path).toBe('resource_spans[0].scope_spans[0].spans[0].attributes[0].value.double_value');
  });
  it('rejects invalid wire types, field number 0 and overlong varints', () => {
    expect(decodeError(request((s) => tag(s, 99, 7))).message).toMatch(/invalid wire type 7/);
    expect(decodeError(request((s) => s.uint32(0).uint32(1))).message).toMatch(/field number 0/);
    const elevenBytes = request((s) =>
      keyValue(s, 9, 'k', (v) =>
        tag(v, 3, VARINT).raw(new Uint8Array([...new Array<number>(10).fill(0x80), 0])),
      ),
    );
    expect(decodeError(elevenBytes).message).toMatch(/longer than 10 bytes/);
  });
  it('rejects values nested deeper than the limit instead of exhausting the stack', () => {
    const nest =
      (depth: number): Build =>
      (v) => {
        if (depth === 0) str(v, 1, 'leaf');
        else sub(v, 5, (array) => sub(array, 1, nest(depth - 1)));
      };
    expect(firstSpan(request((s) => keyValue(s, 9, 'ok', nest(10))))?.attributes['ok']).toBeDefined();
    expect(decodeError(request((s) => keyValue(s, 9, 'deep', nest(100)))).message).toMatch(
      /nested deeper than 64/,
    );
  });
});
