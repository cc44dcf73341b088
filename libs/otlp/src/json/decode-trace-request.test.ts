import type { OtlpTraceRequest } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { decodeTraceRequestJson } from './decode-trace-request.js';

const camel = {
  resourceSpans: [
    {
      resource: {
        attributes: [{ key: 'service.name', value: { stringValue: 'chat-api' } }],
        droppedAttributesCount: 0,
      },
      scopeSpans: [
        {
          scope: { name: 'openai', version: '1.0.0', attributes: [] },
          spans: [
            {
              traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
              spanId: '00f067aa0ba902b7',
              parentSpanId: '',
              traceState: 'k=v',
              name: 'chat',
              kind: 3,
              startTimeUnixNano: '1700000000123456789',
              endTimeUnixNano: 1700000001,
              attributes: [
                { key: 'str', value: { stringValue: 'x' } },
                { key: 'bool', value: { boolValue: false } },
                { key: 'int', value: { intValue: '42' } },
                { key: 'int.number', value: { intValue: -7 } },
                { key: 'int.big', value: { intValue: '-9223372036854775808' } },
                { key: 'double', value: { doubleValue: 0.5 } },
                { key: 'double.nan', value: { doubleValue: 'NaN' } },
                { key: 'double.string', value: { doubleValue: '-1.5e3' } },
                { key: 'bytes', value: { bytesValue: '//4A' } },
                {
                  key: 'array',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }, {}] } },
                },
                {
                  key: 'kvlist',
                  value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
                },
                { key: 'empty', value: {} },
                { key: 'missing' },
              ],
              droppedAttributesCount: 0,
              events: [{ timeUnixNano: '1700000000200000000', name: 'gen_ai.choice', attributes: [] }],
              links: [
                {
                  traceId: 'ab'.repeat(16),
                  spanId: 'cd'.repeat(8),
                  traceState: '',
                  attributes: [],
                  flags: 256,
                },
              ],
              status: { code: 2, message: 'boom' },
              flags: 257,
            },
          ],
          schemaUrl: '',
        },
      ],
    },
  ],
};

const expected: OtlpTraceRequest = {
  resourceSpans: [
    {
      resource: { 'service.name': 'chat-api' },
      scopeSpans: [
        {
          scope: { name: 'openai', version: '1.0.0' },
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              parentSpanId: '',
              name: 'chat',
              kind: 3,
              startTimeUnixNano: 1700000000123456789n,
              endTimeUnixNano: 1700000001n,
              attributes: {
                str: 'x',
                bool: false,
                int: 42,
                'int.number': -7,
                'int.big': '-9223372036854775808',
                double: 0.5,
                'double.nan': Number.NaN,
                'double.string': -1500,
                bytes: '//4A',
                array: ['a', 1, null],
                kvlist: { k: true },
                empty: null,
                missing: null,
              },
              events: [{ timeUnixNano: 1700000000200000000n, name: 'gen_ai.choice', attributes: {} }],
              links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), attributes: {} }],
              status: { code: 2, message: 'boom' },
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
    Object.entries(value).map(([k, v]) => [
      k === 'key' ? k : k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      toSnake(v),
    ]),
  );
};

/** A request holding one span with the given fields. */
const withSpan = (span: Record<string, unknown>): string =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });

const errorOf = (text: string): OtlpDecodeError => {
  try {
    decodeTraceRequestJson(text);
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error;
    throw error;
  }
  throw new Error('expected an OtlpDecodeError');
};

describe('decodeTraceRequestJson', () => {
  it('decodes OTLP/JSON: hex ids lowercased, integer enums, 64-bit ints as strings or numbers', () => {
    expect(decodeTraceRequestJson(JSON.stringify(camel))).toEqual(expected);
  });

  it('accepts snake_case keys (protobuf JSON mapping) with the same result', () => {
    const snake = JSON.stringify(toSnake(camel));
    expect(snake).toContain('"start_time_unix_nano"');
    expect(snake).toContain('"string_value"');
    expect(decodeTraceRequestJson(snake)).toEqual(expected);
  });

  it('accepts enum names', () => {
    const span = decodeTraceRequestJson(
      withSpan({ kind: 'SPAN_KIND_SERVER', status: { code: 'STATUS_CODE_OK' } }),
    ).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({ kind: 2, status: { code: 1, message: '' } });
  });

  it('passes ids that are not hex through lowercased, for the normalizer to reject per span', () => {
    const span = decodeTraceRequestJson(
      withSpan({ traceId: 'S/9MZXM0SUQ=', spanId: 'xyz', parentSpanId: 'ABC' }),
    ).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({ traceId: 's/9mzxm0suq=', spanId: 'xyz', parentSpanId: 'abc' });
  });

  it('keeps 64-bit integers written as JSON numbers beyond 2^53 exact', () => {
    const text =
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1700000000123456789,' +
      '"attributes":[{"key":"n","value":{"intValue":9007199254740993}},{"key":"e","value":{"intValue":1e20}}]}]}]}]}';
    const span = decodeTraceRequestJson(text).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span?.startTimeUnixNano).toBe(1700000000123456789n);
    expect(span?.attributes).toEqual({ n: '9007199254740993', e: 1e20 });
  });

  it('treats null as absent, ignores unknown keys, and decodes {} as an empty request', () => {
    expect(decodeTraceRequestJson('{}')).toEqual({ resourceSpans: [] });
    expect(decodeTraceRequestJson('{"resourceSpans":null,"future":1}')).toEqual({ resourceSpans: [] });
    const span = decodeTraceRequestJson(withSpan({ name: null, kind: null, somethingNew: { a: 1 } }))
      .resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span).toMatchObject({ name: '', kind: 0 });
  });

  it('keeps an attribute named __proto__ as data, not as the prototype', () => {
    const text = withSpan({ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] });
    const attributes = decodeTraceRequestJson(text).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.entries(attributes ?? {})).toEqual([['__proto__', 'x']]);
  });

  it('normalizes URL-safe or unpadded base64 bytes to padded standard base64', () => {
    const span = decodeTraceRequestJson(
      withSpan({ attributes: [{ key: 'b', value: { bytesValue: '_-8' } }] }),
    ).resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(span?.attributes).toEqual({ b: '/+8=' });
  });

  it.each([
    [
      {
        resourceSpans: [{ scopeSpans: [{ spans: [] }, { spans: [{}, {}, {}, { startTimeUnixNano: 1.5 }] }] }],
      },
      'resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an integer, got 1.5',
    ],
    [
      { resource_spans: [{ scope_spans: [{ spans: [{ end_time_unix_nano: '-1' }] }] }] },
      'resource_spans[0].scope_spans[0].spans[0].end_time_unix_nano: expected a non-negative integer, got "-1"',
    ],
    [
      { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: '18446744073709551616' }] }] }] },
      'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: integer out of uint64 range: 18446744073709551616',
    ],
    [
      {
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [{ attributes: [{ key: 'a' }, { key: 'b', value: { intValue: '12a' } }] }] },
            ],
          },
        ],
      },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value.intValue: expected an integer, got "12a"',
    ],
    [
      {
        resourceSpans: [
          {
            scopeSpans: [
              { spans: [{ attributes: [{ key: 'b', value: { intValue: '9223372036854775808' } }] }] },
            ],
          },
        ],
      },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: integer out of int64 range: 9223372036854775808',
    ],
    [
      { resourceSpans: [{ scopeSpans: [{ spans: [{ kind: 'SERVER' }] }] }] },
      'resourceSpans[0].scopeSpans[0].spans[0].kind: expected a SpanKind integer or name, got "SERVER"',
    ],
    [
      { resourceSpans: [{ scopeSpans: [{ spans: [{ events: [{ attributes: [{ key: 1 }] }] }] }] }] },
      'resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[0].key: expected a string, got 1',
    ],
    [
      { resourceSpans: [{ scopeSpans: [{ spans: [{ links: [{ traceId: 12 }] }] }] }] },
      'resourceSpans[0].scopeSpans[0].spans[0].links[0].traceId: expected a hex string, got 12',
    ],
    [
      {
        resourceSpans: [
          {
            resource: {
              attributes: [{ key: 'k', value: { arrayValue: { values: [{ boolValue: 'yes' }] } } }],
            },
          },
        ],
      },
      'resourceSpans[0].resource.attributes[0].value.arrayValue.values[0].boolValue: expected a boolean, got "yes"',
    ],
    [
      {
        resourceSpans: [
          { scopeSpans: [{ spans: [{ attributes: [{ key: 'b', value: { bytesValue: 'not base64!' } }] }] }] },
        ],
      },
      'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue: expected a base64 string, got "not base64!"',
    ],
    [{ resourceSpans: { length: 1 } }, 'resourceSpans: expected an array, got an object'],
    [
      { resourceSpans: [{ scopeSpans: [{ scope: 'x' }] }] },
      'resourceSpans[0].scopeSpans[0].scope: expected an object, got "x"',
    ],
    [
      { resourceSpans: [{ scopeSpans: [{ spans: [{ status: { code: 1.5 } }] }] }] },
      'resourceSpans[0].scopeSpans[0].spans[0].status.code: expected a StatusCode integer or name, got 1.5',
    ],
    [[], 'expected an object, got an array'],
  ])('reports where the input is wrong: %#', (input, message) => {
    const error = errorOf(JSON.stringify(input));
    expect(error.message).toBe(message);
    expect(error.retryable).toBe(false);
  });

  it('reports invalid JSON', () => {
    expect(errorOf('{"resourceSpans": [').message).toMatch(/^invalid JSON: /);
  });

  it('rejects values nested deeper than the limit', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 100; i++) value = { arrayValue: { values: [value] } };
    expect(errorOf(withSpan({ attributes: [{ key: 'deep', value }] })).message).toMatch(
      /nested deeper than 64 levels$/,
    );
  });
});
