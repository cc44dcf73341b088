import { spanRecord } from '@driftwatch/contract-tests';
import type { OtlpLogRecord, SpanRecord } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { embeddedForTests } from './test-support.js';

const P = 'project-poison';
const DAY_NS = 86_400_000_000_000n;
const { client, database } = embeddedForTests();
// Long enough that spans of 1970 are not expired by the TTL, short enough that now + retention stays before
// 2106 (where the TTL's DateTime wraps).
const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 25_000 });
const reader = new ClickHouseTraceReader(client, database);
// The usual retention, for spans near the latest accepted time (2099 + 25000 days would wrap).
const monthly = embeddedForTests();
const monthlyWriter = new ClickHouseSpanWriter(monthly.client, {
  database: monthly.database,
  retentionDays: 30,
});
const monthlyReader = new ClickHouseTraceReader(monthly.client, monthly.database);

beforeAll(async () => {
  await writer.start();
  await monthlyWriter.start();
});

const count = async (sql: string, params: Record<string, unknown>): Promise<number> => {
  const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
};

// Guards only: a 101-day batch is four inserts creating 101 parts, slow on a busy machine.
describe('ClickHouseSpanWriter on chDB: rows the store would refuse', { timeout: 120_000 }, () => {
  it('stores one batch whose spans fall on 101 different days (one day per partition)', async () => {
    const first = spanRecord({ projectId: P });
    const start = BigInt(first.startTimeUnixNano);
    const spans: SpanRecord[] = Array.from({ length: 101 }, (_, i) =>
      spanRecord({
        projectId: P,
        traceId: first.traceId,
        startTimeUnixNano: (start - BigInt(i) * DAY_NS).toString(),
      }),
    );
    await writer.insert(spans);
    const trace = await reader.getTrace(P, first.traceId);
    expect(trace?.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());
    // A retried batch (a later chunk failed) collapses onto the rows already stored.
    await writer.insert(spans);
    expect((await reader.getTrace(P, first.traceId))?.spans).toHaveLength(101);
  });

  it('stores spans of 1970 (fewer than nine digits of seconds) and up to the last storable nanosecond', async () => {
    const early = spanRecord({ projectId: P, startTimeUnixNano: '0', durationNs: 1 });
    const late = spanRecord({ projectId: P, startTimeUnixNano: '4102444799999999999', durationNs: 1 });
    await writer.insert([early]);
    await monthlyWriter.insert([late]);
    expect((await reader.getTrace(P, early.traceId))?.spans[0]?.startTime).toBe('1970-01-01T00:00:00.000Z');
    expect((await monthlyReader.getTrace(P, late.traceId))?.spans[0]?.startTime).toBe(
      '2099-12-31T23:59:59.999Z',
    );
  });

  it('stores a record whose strings hold lone surrogates (reached the queue before the decoders fixed them)', async () => {
    const record = spanRecord({
      projectId: P,
      name: 'cut \ud83d',
      userId: '\udc00',
      metadata: { k: 'v\ud83d' },
    });
    await writer.insert([record]);
    const trace = await reader.getTrace(P, record.traceId);
    expect(trace?.spans[0]?.name).toBe('cut \uFFFD');
  });

  it('stores GenAI log events with no time, a time past 2100, surrogates, and on 101 days', async () => {
    const traceId = 'a'.repeat(32);
    const event = (
      spanId: string,
      timeUnixNano: bigint,
      eventName = 'gen_ai.user.message',
    ): OtlpLogRecord => ({
      timeUnixNano,
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: '',
      body: { content: 'hi' },
      attributes: {},
      traceId,
      spanId,
      eventName,
    });
    const now = BigInt(Date.now()) * 1_000_000n;
    const records = [
      event('1'.repeat(16), 0n),
      event('2'.repeat(16), (1n << 64n) - 1n),
      event('3'.repeat(16), now, 'gen_ai.\ud83d'),
      ...Array.from({ length: 101 }, (_, i) => event('4'.repeat(16), now - BigInt(i) * DAY_NS)),
    ];
    await writer.insertLlmEvents(P, records);
    const stored = `SELECT count() AS n FROM ${database}.llm_log_events FINAL
      WHERE project_id = {p:String} AND trace_id = {t:String}`;
    expect(await count(stored, { p: P, t: traceId })).toBe(records.length);
    await writer.insertLlmEvents(P, records); // an exporter's retry collapses onto the same rows
    expect(await count(stored, { p: P, t: traceId })).toBe(records.length);
  });
});
