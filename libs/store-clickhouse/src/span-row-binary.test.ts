import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import { PermanentError, type SpanRecord } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { rawInsertFor } from './raw-insert.js';
import { RowBinaryBuffer } from './row-binary.js';
import { encodeSpansRowBinary } from './span-row-binary.js';
import { toSpanRow } from './span-row.js';
import { embeddedForTests } from './test-support.js';

const bad = 'x\ud83d';
const long = 'ü'.repeat(70) + ' "quoted" \\ back\n\nslash\ttab \u0000 nul ' + '日本語'.repeat(200);

/** Values that stress each column's encoding: lengths around the one-byte varint, multi-byte text, nulls. */
function records(): SpanRecord[] {
  return [
    spanRecord(),
    spanRecord({ llm: null, name: 'tool lookup', tags: ['a', 'b'], metadata: { k: 'v', empty: '' } }),
    spanRecord({
      name: 'n'.repeat(42),
      statusMessage: 'é'.repeat(43),
      userId: 'u'.repeat(127),
      sessionId: 's'.repeat(128),
      release: long,
      durationNs: Number.MAX_SAFE_INTEGER, // above it JSON printed a rounded number; RowBinary is exact
      status: 'error',
      kind: 'client',
      events: [{ name: 'exception', timeUnixNano: nanosAgo(1), attributes: { 'exception.message': long } }],
      attributes: { 'gen_ai.input.messages': '[]', 'big.int': 2 ** 60, nested: { a: [1, null, bad] } },
      llm: llmCall({
        costUsd: 0.1 + 0.2,
        finishReasons: [],
        toolCalls: [{ id: 'c1', name: 'search', arguments: long }],
        usage: {
          inputTokens: 0xffffffff,
          outputTokens: 2 ** 32,
          cacheReadInputTokens: -1,
          cacheWriteInputTokens: 1.5,
          reasoningTokens: 7,
          totalTokens: null,
          estimated: true,
        },
        usageCounted: false,
      }),
    }),
    spanRecord({
      name: bad,
      statusMessage: bad,
      serviceName: bad,
      scopeName: bad,
      scopeVersion: bad,
      userId: bad,
      sessionId: bad,
      tags: [bad, ''],
      metadata: { [bad]: bad, 'x\uFFFD': 'merged', plain: long },
      promptName: bad,
      promptVersion: bad,
      environment: bad,
      llm: llmCall({
        operation: bad,
        provider: bad,
        requestModel: bad,
        responseModel: bad,
        finishReasons: [bad],
      }),
    }),
  ];
}

async function stored(client: ReturnType<typeof embeddedForTests>['client'], database: string) {
  const result = await client.query({
    query: `SELECT * EXCEPT ingested_at FROM ${database}.spans ORDER BY span_id`,
    format: 'JSONEachRow',
  });
  return result.json<Record<string, unknown>>();
}

describe('RowBinary span rows (embedded inserts)', () => {
  it('are what the embedded client inserts spans in', () => {
    expect(rawInsertFor(embeddedForTests().client)).not.toBeNull();
  });

  it('store exactly what the JSONEachRow rows stored, column by column', async () => {
    const { client, database: binary } = embeddedForTests();
    const { database: json } = embeddedForTests();
    for (const database of [binary, json])
      await new ClickHouseSpanWriter(client, { database, retentionDays: 30 }).start();
    const spans = records();

    await new ClickHouseSpanWriter(client, { database: binary, retentionDays: 30 }).insert(spans);
    await client.insert({ table: `${json}.spans`, values: spans.map(toSpanRow), format: 'JSONEachRow' });

    const fromBinary = await stored(client, binary);
    expect(fromBinary).toHaveLength(spans.length);
    expect(fromBinary).toEqual(await stored(client, json));
    const odd = fromBinary.find((row) => row['span_id'] === spans[2]?.spanId);
    expect(odd?.['release']).toBe(long);
    expect(odd?.['duration_ns']).toBe('9007199254740991');
    expect(odd?.['cost_usd']).toBe(0.1 + 0.2);
  });

  it('refuse what ClickHouse refused in JSON (negative duration, bad time, surrogate in a fixed-set column)', () => {
    expect(() => encodeSpansRowBinary([spanRecord({ durationNs: -5 })])).toThrow(
      /Unsigned type must not contain '-'/,
    );
    expect(() => encodeSpansRowBinary([spanRecord({ kind: bad as SpanRecord['kind'] })])).toThrow(
      /kind .*surrogate/,
    );
    expect(() => encodeSpansRowBinary([{ ...spanRecord(), startTimeUnixNano: '12x' }])).toThrow(
      PermanentError,
    );
    expect(() => encodeSpansRowBinary([{ ...spanRecord(), endTimeUnixNano: '9223372036854775808' }])).toThrow(
      PermanentError,
    );
  });
});

describe('RowBinaryBuffer', () => {
  it('writes LEB128 lengths and grows past its first allocation', () => {
    const out = new RowBinaryBuffer(1);
    out.string('a'.repeat(300));
    out.varint(16_384);
    expect([...out.bytes().subarray(0, 2)]).toEqual([0xac, 0x02]);
    expect([...out.bytes().subarray(302)]).toEqual([0x80, 0x80, 0x01]);
    expect(out.length).toBe(305);
  });
});
