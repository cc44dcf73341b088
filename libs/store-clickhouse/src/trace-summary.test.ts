import type { ClickHouseClient } from '@clickhouse/client';
import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord, TraceListQuery, TraceSummary } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { migrate, renderStatements } from './migrate.js';
import { migrations } from './migrations/index.js';
import { traceSummary } from './migrations/018-trace-summary.js';
import { embeddedForTests } from './test-support.js';

const P = 'project-summary';
const query = (q: Partial<TraceListQuery> = {}): TraceListQuery => ({
  fromMs: Date.now() - 3 * 3_600_000,
  toMs: Date.now() + 1000,
  sort: 'startTime',
  order: 'desc',
  limit: 100,
  ...q,
});

/**
 * An agent trace: a root, a framework's wrapper model span (counted at ingest, not counted when read: it is the
 * parent of a counted call), the provider call inside it, a tool call and a second model call. The root starts
 * 2 h 10 min ago and the last call 1 h 50 min ago, so the trace has rows in at least two hours of trace_summary.
 */
function agentTrace(user: string): SpanRecord[] {
  const root = spanRecord({
    projectId: P,
    llm: null,
    name: `agent ${user}`,
    userId: user,
    sessionId: `session-${user}`,
    startTimeUnixNano: nanosAgo(130 * 60_000),
    durationNs: 21 * 60e9,
  });
  const child = (over: Partial<SpanRecord>, minutesAgo: number): SpanRecord =>
    spanRecord({
      projectId: P,
      traceId: root.traceId,
      parentSpanId: root.spanId,
      userId: '',
      sessionId: '',
      startTimeUnixNano: nanosAgo(minutesAgo * 60_000),
      durationNs: 1e9,
      ...over,
    });
  const wrapper = child(
    { name: 'llm wrapper', llm: llmCall({ usage: { ...llmCall().usage, inputTokens: 999 }, costUsd: 9 }) },
    129,
  );
  const inner = child(
    {
      name: 'chat gpt-4o',
      parentSpanId: wrapper.spanId,
      llm: llmCall({ requestModel: 'gpt-4o', responseModel: 'gpt-4o', costUsd: 0.5 }),
    },
    128,
  );
  const tool = child({ name: 'execute_tool lookup', llm: null, status: 'error' }, 125);
  const last = child(
    {
      name: 'chat claude',
      llm: llmCall({
        provider: 'anthropic',
        requestModel: 'claude-3-5-sonnet',
        responseModel: 'claude-3-5-sonnet',
      }),
    },
    110,
  );
  return [root, wrapper, inner, tool, last];
}

/** What the list must say of agentTrace: the wrapper is left out of the usage, each span counted once. */
function expectAgentFigures(item: TraceSummary | undefined, user: string): void {
  expect(item).toMatchObject({
    name: `agent ${user}`,
    spanCount: 5,
    llmCallCount: 2,
    models: ['claude-3-5-sonnet', 'gpt-4o', 'gpt-4o-mini-2024-07-18'],
    inputTokens: 200,
    outputTokens: 40,
    status: 'error',
    userId: user,
    sessionId: `session-${user}`,
  });
  expect(item?.costUsd).toBeCloseTo(0.5 + 0.000027, 9);
  expect(item?.durationMs).toBeCloseTo(21 * 60_000, 3);
}

async function summaryRows(client: ClickHouseClient, database: string, traceId: string): Promise<number> {
  const result = await client.query({
    query: `SELECT count() AS n FROM ${database}.trace_summary WHERE project_id = {p:String} AND trace_id = {t:String}`,
    query_params: { p: P, t: traceId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n);
}

describe('trace summary (migration 018)', { timeout: 60_000 }, () => {
  it('counts a retried batch once: spans, calls, tokens, cost, and the page of the list', async () => {
    const { client, database } = embeddedForTests();
    const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
    await writer.start();
    const reader = new ClickHouseTraceReader(client, database);
    const once = agentTrace('once');
    const retried = agentTrace('retried');
    await writer.insert([...once, ...retried]);
    // The same batch redelivered, then a partial retry: the rows are stored again (no insert deduplication).
    await writer.insert(retried);
    await writer.insert(retried.slice(1, 3));
    expect(await summaryRows(client, database, retried[0]!.traceId)).toBeGreaterThan(
      await summaryRows(client, database, once[0]!.traceId),
    );

    const page = await reader.listTraces(P, query());
    expect(page.items).toHaveLength(2);
    expectAgentFigures(
      page.items.find((t) => t.traceId === once[0]!.traceId),
      'once',
    );
    expectAgentFigures(
      page.items.find((t) => t.traceId === retried[0]!.traceId),
      'retried',
    );
    // Filters and sorts read the same deduped figures.
    const byModel = await reader.listTraces(
      P,
      query({ model: 'gpt-4o', userId: 'retried', status: 'error' }),
    );
    expect(byModel.items.map((t) => t.traceId)).toEqual([retried[0]!.traceId]);
    const byTokens = await reader.listTraces(P, query({ sort: 'totalTokens', limit: 1 }));
    expect(byTokens.items[0]?.inputTokens).toBe(200);
    expect(byTokens.nextCursor).not.toBeNull();
  });

  it('backfills the spans stored before the migration, idempotently', async () => {
    const { client, database } = embeddedForTests();
    const options = { database, retentionDays: 30 };
    await migrate(
      client,
      options,
      migrations.filter((m) => m.id < traceSummary.id),
    );
    const writer = new ClickHouseSpanWriter(client, options);
    const before = agentTrace('before');
    // Stored before the upgrade, one batch of it twice.
    await writer.insert(before);
    await writer.insert(before.slice(0, 2));

    await writer.start(); // the upgrade: migration 018 creates the summary and backfills it
    const reader = new ClickHouseTraceReader(client, database);
    const after = agentTrace('after');
    await writer.insert(after);
    const page = await reader.listTraces(P, query());
    expectAgentFigures(
      page.items.find((t) => t.traceId === before[0]!.traceId),
      'before',
    );
    expectAgentFigures(
      page.items.find((t) => t.traceId === after[0]!.traceId),
      'after',
    );

    // The backfill run again (a migration interrupted before its ledger row): the figures do not change.
    const backfill = traceSummary.up.find((s) => s.trimStart().startsWith('INSERT'))!;
    for (const statement of renderStatements(backfill, options)) await client.command({ query: statement });
    const again = await reader.listTraces(P, query());
    expect(again.items).toEqual(page.items);
  });

  it('backfills spans of more days than one insert may touch partitions (120 days)', async () => {
    const { client, database } = embeddedForTests();
    const options = { database, retentionDays: 400 };
    await migrate(
      client,
      options,
      migrations.filter((m) => m.id < traceSummary.id),
    );
    const writer = new ClickHouseSpanWriter(client, options);
    const days = Array.from({ length: 120 }, (_, day) =>
      spanRecord({ projectId: P, startTimeUnixNano: nanosAgo(day * 86_400_000 + 60_000) }),
    );
    await writer.insert(days);
    await writer.start();
    const page = await new ClickHouseTraceReader(client, database).listTraces(
      P,
      query({ fromMs: Date.now() - 121 * 86_400_000, limit: 500 }),
    );
    expect(page.items.map((t) => t.traceId).sort()).toEqual(days.map((s) => s.traceId).sort());
  });

  it('expires with the retention setting, like the spans', async () => {
    const { client, database } = embeddedForTests();
    await migrate(client, { database, retentionDays: 30 });
    await migrate(client, { database, retentionDays: 7 });
    const result = await client.query({
      query: `SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'trace_summary'`,
      query_params: { db: database },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ engine_full: string }>();
    expect(row?.engine_full).toMatch(/TTL toDateTime\(hour\) \+ toIntervalDay\(7\)/);
  });
});
