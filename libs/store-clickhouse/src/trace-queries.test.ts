import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord, TraceListQuery } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { InvalidCursorError } from './cursor.js';
import { embeddedForTests } from './test-support.js';

const P = 'project-q';
const range = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 1000 };
const query = (q: Partial<TraceListQuery> = {}): TraceListQuery => ({
  ...range,
  sort: 'startTime',
  order: 'desc',
  limit: 100,
  ...q,
});

let reader: ClickHouseTraceReader;
const traces: Record<string, SpanRecord[]> = {};

/** A root span and one model call, the shape most LLM apps send. */
function trace(
  name: string,
  msAgo: number,
  call: Partial<SpanRecord> & { llm?: SpanRecord['llm'] },
): SpanRecord[] {
  const root = spanRecord({
    projectId: P,
    llm: null,
    name,
    userId: '',
    sessionId: '',
    startTimeUnixNano: nanosAgo(msAgo),
    durationNs: 2e9,
  });
  const child = spanRecord({
    projectId: P,
    traceId: root.traceId,
    parentSpanId: root.spanId,
    startTimeUnixNano: nanosAgo(msAgo - 10),
    durationNs: 1e9,
    ...call,
  });
  traces[name] = [root, child];
  return [root, child];
}

beforeAll(async () => {
  const { client, database } = embeddedForTests();
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  reader = new ClickHouseTraceReader(client, database);
  await writer.insert([
    ...trace('refund', 60_000, {
      userId: 'alice',
      sessionId: 's-1',
      llm: llmCall({
        inputMessages: [
          { role: 'user', parts: [{ type: 'text', content: 'I want a "REFUND" for order 7' }] },
        ],
      }),
    }),
    ...trace('weather', 50_000, {
      sessionId: '',
      userId: 'bob',
      status: 'error',
      statusMessage: 'rate limited',
      llm: llmCall({
        provider: 'anthropic',
        requestModel: 'claude-3-5-sonnet',
        responseModel: '',
        costUsd: 0.5,
      }),
    }),
    ...trace('unknown-model', 40_000, {
      userId: '',
      sessionId: '',
      llm: llmCall({ requestModel: 'my-local-llm', responseModel: '', costUsd: null }),
    }),
    ...trace('agent', 30_000, {
      userId: '',
      sessionId: '',
      // the agent span repeats its child's usage: only the counted call adds up
      llm: llmCall({ operation: 'invoke_agent', usageCounted: false, costUsd: null }),
    }),
  ]);
  const agentTrace = traces.agent!;
  const chat = spanRecord({
    projectId: P,
    traceId: agentTrace[0]!.traceId,
    parentSpanId: agentTrace[1]!.spanId,
    startTimeUnixNano: nanosAgo(29_000),
  });
  traces.agent!.push(chat);
  await writer.insert([chat]);
});

describe('listTraces', () => {
  it('summarizes each trace: root name, counts, models, tokens counted once, cost, user', async () => {
    const page = await reader.listTraces(P, query());
    expect(page.items.map((t) => t.name)).toEqual(['agent', 'unknown-model', 'weather', 'refund']);
    const agent = page.items[0]!;
    expect(agent).toMatchObject({ spanCount: 3, llmCallCount: 1, inputTokens: 100, outputTokens: 20 });
    expect(agent.costUsd).toBeCloseTo(0.000027, 12);
    const weather = page.items.find((t) => t.name === 'weather')!;
    expect(weather).toMatchObject({ status: 'error', userId: 'bob', models: ['claude-3-5-sonnet'] });
    expect(page.items.find((t) => t.name === 'unknown-model')?.costUsd).toBeNull();
    expect(page.items.find((t) => t.name === 'refund')).toMatchObject({ userId: 'alice', sessionId: 's-1' });
    expect(page.items.find((t) => t.name === 'refund')?.durationMs).toBeCloseTo(2000, 3);
  });

  it.each([
    [{ model: 'claude-3-5-sonnet' }, ['weather']],
    [{ model: 'gpt-4o-mini-2024-07-18' }, ['agent', 'refund']],
    [{ provider: 'anthropic' }, ['weather']],
    [{ userId: 'alice' }, ['refund']],
    [{ sessionId: 's-1' }, ['refund']],
    [{ status: 'error' as const }, ['weather']],
    [{ status: 'ok' as const }, ['agent', 'unknown-model', 'refund']],
    [{ search: 'refund' }, ['refund']],
    [{ search: '"REFUND" for' }, ['refund']],
    [{ search: 'no such text' }, []],
    [{ minDurationMs: 1500 }, ['agent', 'unknown-model', 'weather', 'refund']],
    [{ minDurationMs: 5000 }, []],
  ])('filters by %o', async (filter, expected) => {
    const page = await reader.listTraces(P, query(filter));
    expect(page.items.map((t) => t.name)).toEqual(expected);
  });

  it('sorts by cost and by tokens', async () => {
    const byCost = await reader.listTraces(P, query({ sort: 'costUsd', order: 'desc' }));
    expect(byCost.items[0]?.name).toBe('weather');
    expect(byCost.items.at(-1)?.name).toBe('unknown-model');
    const ascStart = await reader.listTraces(P, query({ order: 'asc' }));
    expect(ascStart.items[0]?.name).toBe('refund');
  });

  it('pages with a cursor through every trace exactly once', async () => {
    for (const sort of ['startTime', 'durationMs', 'costUsd', 'totalTokens'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await reader.listTraces(P, query({ sort, limit: 1, ...(cursor ? { cursor } : {}) }));
        seen.push(...page.items.map((t) => t.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.sort()).toEqual(['agent', 'refund', 'unknown-model', 'weather']);
    }
  });

  it('rejects a forged cursor', async () => {
    await expect(reader.listTraces(P, query({ cursor: 'bm90IGEgY3Vyc29y' }))).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('sees nothing of another project', async () => {
    expect((await reader.listTraces('other', query())).items).toEqual([]);
    expect(await reader.getTrace('other', traces.refund![0]!.traceId)).toBeNull();
  });
});

describe('metricsSummary', () => {
  it('counts model calls only, with latency quantiles, tokens and cost, in filled buckets', async () => {
    const summary = await reader.metricsSummary(P, { ...range, bucketSeconds: 600 });
    expect(summary.totals).toHaveLength(1);
    const total = summary.totals[0]!;
    expect(total).toMatchObject({
      requests: 4,
      errors: 1,
      errorRate: 0.25,
      inputTokens: 400,
      outputTokens: 80,
    });
    expect(total.costUsd).toBeCloseTo(0.5 + 2 * 0.000027, 9);
    expect(total.latencyP50Ms).toBeCloseTo(1000, 0);
    expect(summary.buckets.length).toBeGreaterThanOrEqual(6);
    expect(summary.buckets.reduce((n, b) => n + b.requests, 0)).toBe(4);
  });

  it('groups by model', async () => {
    const summary = await reader.metricsSummary(P, { ...range, bucketSeconds: 3600, groupBy: 'model' });
    const byModel = Object.fromEntries(summary.totals.map((t) => [t.group, t.requests]));
    expect(byModel).toEqual({ 'gpt-4o-mini-2024-07-18': 2, 'claude-3-5-sonnet': 1, 'my-local-llm': 1 });
  });
});
