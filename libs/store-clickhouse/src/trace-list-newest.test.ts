import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord, TraceListQuery } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
import { migrate, renderStatements } from './migrate.js';
import { migrations } from './migrations/index.js';
import { traceValues } from './migrations/021-trace-values.js';
import { costliestFirstRows } from './trace-list-costliest.js';
import { newestFirstRows } from './trace-list-newest.js';
import { buildTraceListQuery, type TraceRow } from './trace-list-query.js';
import {
  comparableTraceRows as comparable,
  embeddedForTests,
  seededRandomForTests as random,
} from './test-support.js';

const P = 'project-newest';
const HOUR = 3_600_000;
const NOW = Date.now();
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-haiku'];

const nanos = (msAgo: number) => (BigInt(Math.round(NOW - msAgo)) * 1_000_000n).toString();

/**
 * 420 traces over the last 40 hours: 1-4 spans each, children up to 90 minutes after the root (so many traces
 * have rows in two hours), the user and session on the root only or on every span, 5% errors; plus traces whose
 * spans are far apart (a root 20 h ago with a child 20 min ago), one begun before the 24 h range and ending
 * inside it, two starting at the same nanosecond (ordered by trace id), all in sibling projects too.
 */
function seedTraces(): SpanRecord[] {
  const next = random(14);
  const spans: SpanRecord[] = [];
  const trace = (rootMsAgo: number, childOffsetsMs: number[], i: number): void => {
    const onEverySpan = next() < 0.5;
    const user = `user-${i % 6}`;
    const session = `session-${i % 23}`;
    const error = next() < 0.05;
    const root = spanRecord({
      projectId: P,
      name: `agent ${i}`,
      startTimeUnixNano: nanos(rootMsAgo),
      durationNs: 2e9,
      llm: null,
      userId: user,
      sessionId: session,
    });
    spans.push(root);
    childOffsetsMs.forEach((offset, j) => {
      const model = MODELS[Math.floor(next() * MODELS.length)]!;
      spans.push(
        spanRecord({
          projectId: P,
          traceId: root.traceId,
          parentSpanId: root.spanId,
          name: `chat ${model}`,
          startTimeUnixNano: nanos(rootMsAgo - offset),
          durationNs: 1e9,
          status: error && j === childOffsetsMs.length - 1 ? 'error' : 'ok',
          userId: onEverySpan ? user : '',
          sessionId: onEverySpan ? session : '',
          llm: llmCall({ requestModel: model, responseModel: model, costUsd: next() }),
        }),
      );
    });
  };
  for (let i = 0; i < 420; i++) {
    const children = Array.from({ length: Math.floor(next() * 4) }, () => Math.floor(next() * 90 * 60_000));
    trace(Math.floor(next() * 40 * HOUR) + 5 * 60_000, children, i);
  }
  trace(20 * HOUR, [20 * HOUR - 20 * 60_000], 1000); // a root 20 h ago, a child 20 min ago
  trace(3 * HOUR, [3 * HOUR - 10 * 60_000, 60_000], 1001);
  trace(26 * HOUR, [3 * HOUR], 1002); // begun before the 24 h range, a child 23 h ago
  const tie = spans.length;
  trace(30 * 60_000, [], 1003);
  trace(30 * 60_000, [], 1004);
  expect(spans[tie]!.startTimeUnixNano).toBe(spans[tie + 1]!.startTimeUnixNano);
  // 30 calls of one price 35 h ago: the costliest-first bounds tie, so that path must give way.
  for (let i = 0; i < 30; i++) {
    const model = 'fixed-price';
    spans.push(
      spanRecord({
        projectId: P,
        name: `chat ${model}`,
        startTimeUnixNano: nanos(35 * HOUR + i * 60_000),
        llm: llmCall({ requestModel: model, responseModel: model, costUsd: 0.25 }),
      }),
    );
  }
  return spans;
}

const query = (q: Partial<TraceListQuery> = {}): TraceListQuery => ({
  fromMs: NOW - 24 * HOUR,
  toMs: NOW + 1000,
  sort: 'startTime',
  order: 'desc',
  limit: 50,
  ...q,
});

describe(
  'traces list without grouping the whole range (newest hours first, costliest by bounds)',
  { timeout: 120_000 },
  () => {
    const { client, database } = embeddedForTests();
    const reader = new ClickHouseTraceReader(client, database);
    let spans: SpanRecord[] = [];
    const rows = async <T>(sql: string, params: Record<string, unknown>): Promise<T[]> =>
      (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
    /** The plain query over the whole range (the path before the window), as the reference. */
    const wholeRange = async (q: TraceListQuery): Promise<TraceRow[]> => {
      const { sql, params } = buildTraceListQuery(database, P, q, DEFAULT_FEEDBACK_SETTINGS);
      return rows<TraceRow>(sql, params);
    };
    const newest = (q: TraceListQuery) => newestFirstRows(rows, database, P, q, DEFAULT_FEEDBACK_SETTINGS);
    /** Every page of the API's list, following its cursors. */
    const walk = async (q: TraceListQuery): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const result = await reader.listTraces(P, { ...q, cursor });
        ids.push(...result.items.map((t) => t.traceId));
        if (!result.nextCursor) return ids;
        cursor = result.nextCursor;
      }
      throw new Error('more than 200 pages');
    };

    beforeAll(async () => {
      const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
      await writer.start();
      spans = seedTraces();
      // Other projects with the same traces must never show; a redelivered batch must not count twice.
      await writer.insert(spans.map((s) => ({ ...s, projectId: `${P}-other` })));
      for (let i = 0; i < spans.length; i += 97) await writer.insert(spans.slice(i, i + 97));
      await writer.insert(spans.slice(0, 150));
    }, 120_000);

    it('gives the same rows as the whole-range query: ranges, filters, small and large pages', async () => {
      const cases: Partial<TraceListQuery>[] = [
        {},
        { limit: 5 },
        { limit: 1 },
        { limit: 200 },
        { fromMs: NOW - 30 * HOUR },
        { fromMs: NOW - 72 * HOUR, limit: 120 },
        { fromMs: NOW - 72 * HOUR, status: 'error' },
        { fromMs: NOW - 90 * 60_000, limit: 10 },
        { toMs: NOW - 5 * HOUR - 17 * 60_000, fromMs: NOW - 29 * HOUR },
        { model: 'gpt-4o' },
        { model: 'claude-3-5-haiku', limit: 8 },
        { status: 'error' },
        { status: 'ok', limit: 20 },
        { minDurationMs: 30 * 60_000 },
        { userId: 'user-3' },
        { userId: 'user-3', limit: 4 },
        { sessionId: 'session-7' },
        { userId: 'user-1', sessionId: 'session-7' },
        { userId: 'user-2', model: 'gpt-4o-mini', limit: 6 },
        { sessionId: 'session-nobody' },
      ];
      for (const c of cases) {
        const q = query(c);
        const expected = await wholeRange(q);
        expect(comparable(await newest(q)), JSON.stringify(c)).toEqual(comparable(expected));
      }
      // The cases are not vacuous: full pages, and the far-apart trace is listed by its root's start.
      expect((await wholeRange(query())).length).toBe(51);
      const far = spans.find((s) => s.name === 'agent 1000')!;
      const all = await wholeRange(query({ limit: 1000 }));
      const farRow = all.find((r) => r.trace_id === far.traceId)!;
      expect(farRow.start_ns).toBe(far.startTimeUnixNano);
      expect(all.indexOf(farRow)).toBeGreaterThan(100);
    });

    it(
      'pages through the whole list with the same traces, order and cursors as one whole-range query',
      {
        timeout: 300_000,
      },
      async () => {
        const cases: Partial<TraceListQuery>[] = [
          { limit: 25 },
          { limit: 7, fromMs: NOW - 8 * HOUR },
          { limit: 30, fromMs: NOW - 72 * HOUR },
          { userId: 'user-4', limit: 3 },
          { userId: 'user-0', limit: 20, fromMs: NOW - 40 * HOUR },
          { sessionId: 'session-11', limit: 2 },
          { status: 'error', limit: 2 },
        ];
        for (const c of cases) {
          const q = query(c);
          const everything = await wholeRange({ ...q, limit: 5000 });
          expect(await walk(q), JSON.stringify(c)).toEqual(everything.map((r) => r.trace_id));
        }
      },
    );

    it('filters by user and session as the spans say: a trace with a span of the value in the range', async () => {
      const inRange = (s: SpanRecord) =>
        BigInt(s.startTimeUnixNano) >= BigInt(Math.floor((NOW - 24 * HOUR) / HOUR) * HOUR) * 1_000_000n;
      const all = (await wholeRange(query({ limit: 5000 }))).map((r) => r.trace_id);
      for (const [field, value] of [
        ['userId', 'user-5'],
        ['sessionId', 'session-11'],
      ] as const) {
        const having = new Set(spans.filter((s) => s[field] === value && inRange(s)).map((s) => s.traceId));
        const listed = await walk(query({ [field]: value, limit: 4 }));
        expect(listed).toEqual(all.filter((id) => having.has(id)));
        expect(listed.length).toBeGreaterThan(4);
        expect((await reader.countTraces(P, query({ [field]: value }))).total).toBe(listed.length);
      }
    });

    it('costliest and most tokens first: the same rows as the whole-range query, or the whole-range query', async () => {
      const cases: Partial<TraceListQuery>[] = [
        { sort: 'costUsd' },
        { sort: 'costUsd', limit: 1 },
        { sort: 'costUsd', limit: 200, fromMs: NOW - 40 * HOUR },
        { sort: 'costUsd', limit: 20, fromMs: NOW - 72 * HOUR },
        { sort: 'costUsd', status: 'error' },
        { sort: 'costUsd', userId: 'user-2', limit: 5 },
        { sort: 'totalTokens', limit: 10 },
        { sort: 'totalTokens', model: 'gpt-4o', minDurationMs: 60_000 },
        { sort: 'costUsd', model: 'fixed-price', limit: 3, fromMs: NOW - 37 * HOUR },
      ];
      for (const c of cases) {
        const q = query(c);
        const expected = await wholeRange(q);
        const fast = await costliestFirstRows(rows, database, P, q, DEFAULT_FEEDBACK_SETTINGS);
        if (fast) expect(comparable(fast), JSON.stringify(c)).toEqual(comparable(expected));
        const page = await reader.listTraces(P, q);
        expect(
          page.items.map((t) => t.traceId),
          JSON.stringify(c),
        ).toEqual(expected.slice(0, q.limit).map((r) => r.trace_id));
      }
      // The path is taken when its bounds prove the page, and gives way when they cannot (tied prices).
      expect(
        await costliestFirstRows(rows, database, P, query({ sort: 'costUsd' }), DEFAULT_FEEDBACK_SETTINGS),
      ).not.toBeNull();
      const tied = query({ sort: 'costUsd', model: 'fixed-price', limit: 3, fromMs: NOW - 37 * HOUR });
      expect(await costliestFirstRows(rows, database, P, tied, DEFAULT_FEEDBACK_SETTINGS)).toBeNull();
      // Later pages follow the cursor through the whole-range query.
      const walked = await walk(query({ sort: 'costUsd', limit: 40 }));
      const everything = await wholeRange(query({ sort: 'costUsd', limit: 5000 }));
      expect(walked).toEqual(everything.map((r) => r.trace_id));
    });

    it('scopes every read to the project', async () => {
      const page = await reader.listTraces(`${P}-unknown`, query({ userId: 'user-1' }));
      expect(page.items).toEqual([]);
      const ours = new Set(spans.map((s) => s.traceId));
      const other = await reader.listTraces(`${P}-other`, query({ limit: 500 }));
      expect(other.items.length).toBeGreaterThan(50);
      expect(other.items.every((t) => ours.has(t.traceId))).toBe(true);
      const mine = await reader.listTraces(P, query({ limit: 500 }));
      expect(mine.items.map((t) => [t.traceId, t.spanCount])).toEqual(
        other.items.map((t) => [t.traceId, t.spanCount]),
      );
    });
  },
);

describe('trace values (migration 021)', { timeout: 60_000 }, () => {
  it('backfills the spans stored before the migration, idempotently', async () => {
    const { client, database } = embeddedForTests();
    const options = { database, retentionDays: 30 };
    await migrate(
      client,
      options,
      migrations.filter((m) => m.id < traceValues.id),
    );
    const writer = new ClickHouseSpanWriter(client, options);
    const before = spanRecord({
      projectId: P,
      userId: 'u-before',
      sessionId: 's-1',
      startTimeUnixNano: nanos(10 * 60_000),
    });
    await writer.insert([before, before]);
    await writer.start(); // the upgrade: creates trace_values and backfills it
    const after = spanRecord({
      projectId: P,
      userId: 'u-after',
      sessionId: 's-1',
      startTimeUnixNano: nanos(5 * 60_000),
    });
    await writer.insert([after]);
    const reader = new ClickHouseTraceReader(client, database);
    const list = async (q: Partial<TraceListQuery>) =>
      (await reader.listTraces(P, query(q))).items.map((t) => t.traceId).sort();
    expect(await list({ userId: 'u-before' })).toEqual([before.traceId]);
    expect(await list({ userId: 'u-after' })).toEqual([after.traceId]);
    expect(await list({ sessionId: 's-1' })).toEqual([before.traceId, after.traceId].sort());
    expect((await reader.countTraces(P, query({ sessionId: 's-1' }))).total).toBe(2);

    const backfill = traceValues.up.find((s) => s.trimStart().startsWith('INSERT'))!;
    for (const statement of renderStatements(backfill, options)) await client.command({ query: statement });
    expect(await list({ sessionId: 's-1' })).toEqual([before.traceId, after.traceId].sort());
    expect((await reader.countTraces(P, query({ sessionId: 's-1' }))).total).toBe(2);
  });

  it('expires with the retention setting, like the spans', async () => {
    const { client, database } = embeddedForTests();
    await migrate(client, { database, retentionDays: 30 });
    await migrate(client, { database, retentionDays: 7 });
    const result = await client.query({
      query: `SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'trace_values'`,
      query_params: { db: database },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ engine_full: string }>();
    expect(row?.engine_full).toMatch(/TTL toDateTime\(hour\) \+ toIntervalDay\(7\)/);
  });
});
