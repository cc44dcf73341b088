import type { Usage } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeTraceRequest } from './index.js';
import { finalizeUsage } from './usage.js';
import { LATEST_TIME_NANOS } from './validate.js';
import { llmOf, normalizeOne, request, sid, span, T0 } from './testing/otlp-builders.js';

const normalize = (spans: Parameters<typeof request>[0]) =>
  normalizeTraceRequest(request(spans), { projectId: 'p1' });

/** Nanoseconds of 2286-11-20, past the end of DateTime64(9) (2262) and still a valid uint64. */
const YEAR_2286 = 10_000_000_000_000_000_000n;
const UINT64_MAX = (1n << 64n) - 1n;

describe('timestamps the store cannot hold are rejected, the span alone', () => {
  it.each([
    ['end in 2286', T0, YEAR_2286, /endTimeUnixNano 10000000000000000000 is after 2100-01-01T00:00:00Z/],
    ['end at uint64 max', T0, UINT64_MAX, /endTimeUnixNano 18446744073709551615 is after 2100/],
    ['start and end in 2286', YEAR_2286, YEAR_2286, /startTimeUnixNano 10000000000000000000 is after 2100/],
    [
      'start just past the bound',
      LATEST_TIME_NANOS + 1n,
      LATEST_TIME_NANOS + 2n,
      /startTimeUnixNano .* after 2100/,
    ],
    // DateTime (the TTL's type) wraps after 2106-02-07: stored, the span would be deleted at the next merge.
    ['start in 2107', 4_357_000_000_000_000_000n, 4_357_000_000_000_000_001n, /startTimeUnixNano/],
  ])('%s', (_label, start, end, reason) => {
    const bad = span({ spanId: sid(2), startTimeUnixNano: start, endTimeUnixNano: end });
    const good = span({ spanId: sid(1) });
    const { records, rejected } = normalize([bad, good]);
    expect(records.map((r) => r.spanId)).toEqual([sid(1)]);
    expect(rejected).toEqual([{ spanId: sid(2), reason: expect.stringMatching(reason) as string }]);
  });

  it('keeps a span ending exactly at the bound, and spans of 1970 (backfills, unset start)', () => {
    const { records, rejected } = normalize([
      span({ spanId: sid(1), endTimeUnixNano: LATEST_TIME_NANOS }),
      span({ spanId: sid(2), startTimeUnixNano: 0n, endTimeUnixNano: 1n }),
    ]);
    expect(rejected).toEqual([]);
    expect(records.map((r) => r.endTimeUnixNano)).toEqual([LATEST_TIME_NANOS.toString(), '1']);
  });

  it('still rejects a span that ends before it starts', () => {
    const { rejected } = normalize([span({ startTimeUnixNano: T0, endTimeUnixNano: T0 - 1n })]);
    expect(rejected[0]?.reason).toMatch(/ends before it starts/);
  });
});

describe('lone surrogates inside JSON held in attributes come out as U+FFFD', () => {
  // The attribute is well formed ASCII; the escape inside it is what JSON.parse turns into a lone surrogate.
  const cut = '"hi \\ud83d"';
  /** True when no string anywhere in the value (keys included) holds a lone surrogate. */
  const wellFormed = (value: unknown): boolean => {
    if (typeof value === 'string') return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
    if (typeof value !== 'object' || value === null) return true;
    return Object.entries(value).every(([key, item]) => wellFormed(key) && wellFormed(item));
  };

  it('in GenAI messages', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.input.messages': `[{"role":"user","parts":[{"type":"text","content":${cut}}]}]`,
          },
        }),
      ),
    );
    expect(llm.inputMessages[0]?.parts[0]).toEqual({ type: 'text', content: 'hi \uFFFD' });
    expect(wellFormed(llm)).toBe(true);
  });

  it('in OpenInference metadata (keys and values) and tag lists', () => {
    const record = normalizeOne(
      span({
        attributes: {
          metadata: `{"k\\udc00":${cut},"nested":{"a":${cut}},"__proto__":"x"}`,
          'tag.tags': `[${cut}, "ok"]`,
        },
      }),
    );
    expect(record.metadata['k\uFFFD']).toBe('hi \uFFFD');
    expect(record.metadata['nested']).toBe('{"a":"hi \uFFFD"}');
    expect(Object.getPrototypeOf(record.metadata)).toBe(Object.prototype);
    expect(record.tags).toEqual(['hi \uFFFD', 'ok']);
    expect(wellFormed(record)).toBe(true);
  });

  it('leaves well-formed escapes (a real emoji pair) alone', () => {
    const record = normalizeOne(span({ attributes: { 'tag.tags': '["\\ud83d\\ude00"]' } }));
    expect(record.tags).toEqual(['\u{1F600}']);
  });
});

describe('token counts the UInt32 columns cannot hold', () => {
  it('drops negative, NaN and infinite counts from usage (the row maps huge and fractional ones to null)', () => {
    const usage: Usage = finalizeUsage({
      inputTokens: -5,
      outputTokens: Number.NaN,
      totalTokens: Number.POSITIVE_INFINITY,
      reasoningTokens: Number.NEGATIVE_INFINITY,
      cacheReadInputTokens: 3,
    });
    expect(usage).toMatchObject({
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
      reasoningTokens: null,
      cacheReadInputTokens: 3,
    });
  });

  it('keeps the span when its usage attributes are garbage', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.usage.input_tokens': -1,
            'gen_ai.usage.output_tokens': Number.NaN,
          },
        }),
      ),
    );
    expect(llm.usage.inputTokens).toBeNull();
    expect(llm.usage.outputTokens).toBeNull();
    expect(llm.costUsd === null || Number.isFinite(llm.costUsd)).toBe(true);
  });
});
