import { describe, expect, it } from 'vitest';
import { decodeLogsRequestProtobuf } from './decode-logs-request.js';
import { decodeTraceRequestProtobuf } from './decode-trace-request.js';
import { LEN, logsRequest, raw, request, sub, tag } from './wire-builder.testing.js';

/**
 * Protobuf strings are UTF-8 bytes, so a lone surrogate can only arrive as bytes that are not UTF-8: the
 * surrogate encoded as if it were a code point (ED A0 BD, "CESU-8", what a naive encoder writes for "\ud83d"),
 * a stray continuation byte, a truncated sequence. protobufjs decodes with TextDecoder (or Buffer#utf8Slice
 * for a Buffer), both of which replace such bytes with U+FFFD, so no decoded string is ill-formed.
 */
const SURROGATE = [0xed, 0xa0, 0xbd];
const BAD_SEQUENCES = [SURROGATE, [0x80], [0xf0, 0x9f, 0x98], [0xff]];
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];

const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
};

/** A span whose name, status message, attribute key and value and event name all hold `bytes`. */
const spanWith = (bytes: number[]) =>
  request((s) => {
    raw(s, 5, bytes); // name
    sub(s, 9, (kv) => {
      raw(kv, 1, bytes); // key (through the key cache when short)
      sub(kv, 2, (v) => raw(v, 1, bytes)); // string_value
    });
    sub(s, 11, (event) => raw(event, 2, bytes)); // event name
    sub(s, 15, (status) => raw(status, 2, bytes)); // status message
  });

describe('protobuf strings with invalid UTF-8 are decoded with U+FFFD, never a lone surrogate', () => {
  const cases = BAD_SEQUENCES.flatMap((bad) => [
    { label: `short ${bad.join(',')}`, bytes: [...ascii('a'), ...bad, ...ascii('b')] },
    // 64 bytes and more take protobufjs's TextDecoder path, and skip the attribute-key cache.
    { label: `long ${bad.join(',')}`, bytes: [...ascii('x'.repeat(70)), ...bad] },
  ]);

  it.each(cases)('$label, from a Uint8Array and from a Buffer', ({ bytes }) => {
    const body = spanWith(bytes);
    for (const input of [body, Buffer.from(body)]) {
      const decoded = decodeTraceRequestProtobuf(input);
      const span = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0];
      expect(span?.name).toContain('\uFFFD');
      expect(span?.status.message).toBe(span?.name);
      expect(span?.events[0]?.name).toBe(span?.name);
      expect(Object.entries(span?.attributes ?? {})).toEqual([[span?.name, span?.name]]);
      expect(strings(decoded).every(isWellFormed)).toBe(true);
    }
  });

  it('decodes the surrogate bytes of "\\ud83d" as U+FFFD (one per byte, as TextDecoder does)', () => {
    const span = decodeTraceRequestProtobuf(spanWith([...ascii('a'), ...SURROGATE])).resourceSpans[0]
      ?.scopeSpans[0]?.spans[0];
    expect(span?.name).toBe('a\uFFFD\uFFFD\uFFFD');
  });

  it('in log records: event name, body and attributes', () => {
    const bytes = [...ascii('a'), ...SURROGATE];
    const body = logsRequest((r) => {
      sub(r, 5, (v) => raw(v, 1, bytes)); // body
      sub(r, 6, (kv) => {
        raw(kv, 1, bytes);
        sub(kv, 2, (v) => raw(v, 1, bytes));
      });
      tag(r, 12, LEN).bytes(new Uint8Array(bytes)); // event_name
    });
    const logs = decodeLogsRequestProtobuf(body);
    const record = logs.resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    expect(record?.eventName).toBe('a\uFFFD\uFFFD\uFFFD');
    expect(record?.body).toBe(record?.eventName);
    expect(strings(logs).every(isWellFormed)).toBe(true);
  });

  it('keeps valid four-byte UTF-8 (an emoji) intact', () => {
    const emoji = [...Buffer.from('ok \u{1F600}', 'utf8')];
    const span = decodeTraceRequestProtobuf(spanWith(emoji)).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span?.name).toBe('ok \u{1F600}');
  });
});
