import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { OtlpLogRecord } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { MAX_DAYS_PER_INSERT, byDays } from './clickhouse-span-writer.js';
import { LATEST_STORABLE_NANOS, logEventTime, nanosToDateTime64, toSpanRow, utcDay } from './span-row.js';

const DAY_NS = 86_400_000_000_000n;
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

describe('nanosToDateTime64', () => {
  it.each([
    ['1700000000123456789', '1700000000.123456789'],
    ['999999999000000000', '0999999999.000000000'],
    // ClickHouse reads fewer than nine digits of seconds as a date and refuses "0.000000000".
    ['0', '0000000000.000000000'],
    ['1', '0000000000.000000001'],
    ['000123', '0000000000.000000123'],
    ['9223372036854775807', '9223372036.854775807'],
  ])('%s -> %s', (nanos, text) => {
    expect(nanosToDateTime64(nanos)).toBe(text);
  });
});

describe('toSpanRow: values the columns refuse never reach them', () => {
  it('replaces lone surrogates in every raw string column with U+FFFD', () => {
    const bad = 'x\ud83d';
    const row = toSpanRow(
      spanRecord({
        name: bad,
        statusMessage: bad,
        serviceName: bad,
        scopeName: bad,
        scopeVersion: bad,
        userId: bad,
        sessionId: bad,
        tags: [bad],
        metadata: { [bad]: bad },
        promptName: bad,
        promptVersion: bad,
        release: bad,
        environment: bad,
        llm: llmCall({
          operation: bad,
          provider: bad,
          requestModel: bad,
          responseModel: bad,
          finishReasons: [bad],
        }),
      }),
    );
    const json = JSON.stringify(row); // what the driver sends: a lone surrogate would show as \ud83d
    expect(json).not.toMatch(/(?<!\\)\\ud[89a-f][0-9a-f]{2}/);
    expect(row.name).toBe('x\uFFFD');
    expect(row.metadata).toEqual({ 'x\uFFFD': 'x\uFFFD' });
    expect(
      Object.values(row)
        .flat()
        .filter((v) => typeof v === 'string')
        .every(isWellFormed),
    ).toBe(true);
  });

  it('stores token counts outside UInt32 (negative, fractional, huge, NaN) as unknown and a non-finite cost as null', () => {
    const usage = {
      inputTokens: -1,
      outputTokens: 1.5,
      totalTokens: 2 ** 32,
      reasoningTokens: Number.NaN,
      cacheReadInputTokens: 2 ** 32 - 1,
      cacheWriteInputTokens: null,
      estimated: false,
    };
    const row = toSpanRow(spanRecord({ llm: llmCall({ usage, costUsd: Number.POSITIVE_INFINITY }) }));
    expect(row).toMatchObject({
      input_tokens: null,
      output_tokens: null,
      total_tokens: null,
      reasoning_tokens: null,
      cache_read_input_tokens: 2 ** 32 - 1,
      cache_write_input_tokens: null,
      cost_usd: null,
    });
  });
});

describe('logEventTime', () => {
  const record = (timeUnixNano: bigint, observedTimeUnixNano: bigint) =>
    ({ timeUnixNano, observedTimeUnixNano }) as OtlpLogRecord;
  const now = Date.UTC(2026, 10, 30, 15, 30);
  const today = BigInt(Date.UTC(2026, 10, 30)) * 1_000_000n;

  it('keeps a usable time, else the observed time, else the start of the current UTC day', () => {
    expect(logEventTime(record(5n * DAY_NS, 6n * DAY_NS), now)).toBe(5n * DAY_NS);
    expect(logEventTime(record(0n, 6n * DAY_NS), now)).toBe(6n * DAY_NS);
    expect(logEventTime(record(LATEST_STORABLE_NANOS + 1n, 6n * DAY_NS), now)).toBe(6n * DAY_NS);
    expect(logEventTime(record(0n, 0n), now)).toBe(today);
    expect(logEventTime(record(0n, (1n << 64n) - 1n), now + 3_600_000)).toBe(today); // a retry collapses
  });
});

describe('byDays', () => {
  const days = (n: number) => Array.from({ length: n }, (_, i) => (BigInt(i) * DAY_NS * 3n).toString());

  it('returns a batch within few days as it is', () => {
    const items = days(MAX_DAYS_PER_INSERT);
    const groups = byDays(items, utcDay);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toBe(items);
  });

  it('splits 101 days into groups of at most MAX_DAYS_PER_INSERT days, losing nothing', () => {
    const items = [...days(101), ...days(101)].reverse();
    const groups = byDays(items, utcDay);
    expect(groups.length).toBe(Math.ceil(101 / MAX_DAYS_PER_INSERT));
    for (const group of groups)
      expect(new Set(group.map(utcDay)).size).toBeLessThanOrEqual(MAX_DAYS_PER_INSERT);
    expect(groups.flat().sort()).toEqual([...items].sort());
  });

  it('utcDay counts whole UTC days since the epoch', () => {
    expect([
      utcDay('0'),
      utcDay('86399999999999'),
      utcDay('86400000000000'),
      utcDay('1700000000000000000'),
    ]).toEqual([0, 0, 1, 19675]);
  });
});
