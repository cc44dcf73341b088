import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord, TraceListQuery } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import { traceUsageBounds } from './migrations/022-trace-usage-bounds.js';
import { costliestByWrittenBounds } from './trace-list-costliest.js';
import { buildTraceListQuery, type TraceRow } from './trace-list-query.js';
import {
  comparableTraceRows as comparable,
  embeddedForTests,
  seededRandomForTests as random,
} from './test-support.js';

const P = 'project-costliest';
const HOUR = 3_600_000;
const NOW = Date.now();

const nanos = (msAgo: number) => (BigInt(Math.round(NOW - msAgo)) * 1_000_000n).toString();

/** A model call of the given cost and tokens. */
function call(
  projectId: string,
  traceId: string,
  parentSpanId: string,
  msAgo: number,
  cost: number | null,
  tokens: number,
) {
  return spanRecord({
    projectId,
    traceId,
    parentSpanId,
    name: 'chat gpt-4o',
    startTimeUnixNano: nanos(msAgo),
    llm: {
      ...llmCall({ costUsd: cost }),
      usage: {
        ...llmCall().usage,
        inputTokens: tokens,
        outputTokens: tokens % 97,
        totalTokens: tokens + (tokens % 97),
      },
    },
  });
}

/**
 * 360 agent traces over the last 60 hours with 1-4 model calls of random cost and tokens, children up to 90
 * minutes after the root (rows in two hours); some calls without a cost or with a negative one; a fifth of the
 * traces with a wrapper call (the parent of another call: not counted), most in the batch of its child, some not
 * (then its trace's bound exceeds its cost).
 */
function seedTraces(projectId: string): SpanRecord[] {
  const next = random(22);
  const spans: SpanRecord[] = [];
  for (let i = 0; i < 360; i++) {
    const rootMsAgo = Math.floor(next() * 60 * HOUR) + 5 * 60_000;
    const root = spanRecord({
      projectId,
      name: `agent ${i}`,
      startTimeUnixNano: nanos(rootMsAgo),
      llm: null,
    });
    spans.push(root);
    const calls = 1 + Math.floor(next() * 4);
    for (let j = 0; j < calls; j++) {
      const roll = next();
      const cost = roll < 0.05 ? null : roll < 0.08 ? -0.5 : Math.round(next() * 1e6) / 1e6;
      const offset = Math.floor(next() * 90 * 60_000);
      spans.push(
        call(projectId, root.traceId, root.spanId, rootMsAgo - offset, cost, Math.floor(next() * 5000)),
      );
    }
    if (next() < 0.2) {
      const wrapper = call(projectId, root.traceId, root.spanId, rootMsAgo - 1000, next(), 400);
      const child = call(projectId, root.traceId, wrapper.spanId, rootMsAgo - 2000, next(), 100);
      // A wrapper at the head of the spans: it lands in another batch than its child.
      if (next() < 0.15) spans.unshift(wrapper);
      else spans.push(wrapper);
      spans.push(child);
    }
  }
  return spans;
}

const query = (q: Partial<TraceListQuery> = {}): TraceListQuery => ({
  fromMs: NOW - 24 * HOUR,
  toMs: NOW + 1000,
  sort: 'costUsd',
  order: 'desc',
  limit: 50,
  ...q,
});

describe(
  'costliest and most tokens first from the bounds written with the summary (migration 022)',
  { timeout: 120_000 },
  () => {
    const { client, database } = embeddedForTests();
    const reader = new ClickHouseTraceReader(client, database);
    const rows = async <T>(sql: string, params: Record<string, unknown>): Promise<T[]> =>
      (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
    const wholeRange = async (projectId: string, q: TraceListQuery): Promise<TraceRow[]> => {
      const { sql, params } = buildTraceListQuery(database, projectId, q, DEFAULT_FEEDBACK_SETTINGS);
      return rows<TraceRow>(sql, params);
    };
    const written = (projectId: string, q: TraceListQuery) =>
      costliestByWrittenBounds(rows, database, projectId, q, DEFAULT_FEEDBACK_SETTINGS);

    beforeAll(async () => {
      const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
      await writer.start();
      const spans = seedTraces(P);
      await writer.insert(seedTraces(`${P}-other`));
      for (let i = 0; i < spans.length; i += 89) await writer.insert(spans.slice(i, i + 89));
      await writer.insert(spans.slice(0, 60)); // a redelivered batch: its traces' bounds count its calls twice
      // Forty traces of one price and size: the bounds of the page's last trace and the next tie.
      const tied: SpanRecord[] = [];
      for (let i = 0; i < 40; i++) {
        const root = spanRecord({
          projectId: `${P}-tied`,
          startTimeUnixNano: nanos(HOUR + i * 60_000),
          llm: null,
        });
        tied.push(root, call(`${P}-tied`, root.traceId, root.spanId, HOUR + i * 60_000 - 500, 0.25, 300));
      }
      await writer.insert(tied);
    }, 120_000);

    it('bounds every trace: at least its cost and tokens, more with wrapper calls and redelivered spans', async () => {
      const q = query({ fromMs: NOW - 72 * HOUR, limit: 5000 });
      const exact = await wholeRange(P, q);
      const bounds = await rows<{ trace_id: string; cost: number; tokens: string }>(
        `SELECT trace_id, sum(cost_bound) AS cost, sum(tokens_bound) AS tokens FROM ${database}.trace_summary
       WHERE project_id = {p:String} GROUP BY trace_id`,
        { p: P },
      );
      const byId = new Map(bounds.map((b) => [b.trace_id, b]));
      expect(exact.length).toBe(360);
      let loose = 0;
      for (const row of exact) {
        const bound = byId.get(row.trace_id)!;
        const tokens = BigInt(row.input_tokens_sum) + BigInt(row.output_tokens_sum);
        expect(bound.cost).toBeGreaterThanOrEqual((row.cost_usd_sum ?? 0) - 1e-9);
        expect(BigInt(bound.tokens) >= tokens).toBe(true);
        if (BigInt(bound.tokens) > tokens) loose += 1;
      }
      // The wrappers and the redelivered batch are there: many bounds are above the exact figure.
      expect(loose).toBeGreaterThan(10);
    });

    it('gives the same rows as the whole-range query, or gives way', async () => {
      const cases: Partial<TraceListQuery>[] = [
        {},
        { limit: 1 },
        { limit: 5 },
        { limit: 200 },
        { limit: 500, fromMs: NOW - 72 * HOUR },
        { fromMs: NOW - 72 * HOUR },
        { fromMs: NOW - 7 * 24 * HOUR, limit: 20 },
        { fromMs: NOW - 30 * HOUR, toMs: NOW - 6 * HOUR - 17 * 60_000, limit: 10 },
        { fromMs: NOW - 200 * HOUR, toMs: NOW - 100 * HOUR },
        { sort: 'totalTokens' },
        { sort: 'totalTokens', limit: 3 },
        { sort: 'totalTokens', fromMs: NOW - 72 * HOUR, limit: 100 },
      ];
      let taken = 0;
      for (const c of cases) {
        const q = query(c);
        const expected = await wholeRange(P, q);
        const fast = await written(P, q);
        if (fast) {
          taken += 1;
          expect(comparable(fast), JSON.stringify(c)).toEqual(comparable(expected));
        }
        const page = await reader.listTraces(P, q);
        expect(
          page.items.map((t) => t.traceId),
          JSON.stringify(c),
        ).toEqual(expected.slice(0, q.limit).map((r) => r.trace_id));
      }
      // Not vacuous: the path proves most pages (full ones among them) and the empty range gives no rows.
      expect(taken).toBeGreaterThanOrEqual(9);
      expect((await written(P, query({ limit: 5 })))?.length).toBe(6);
      expect(await written(P, query({ fromMs: NOW - 200 * HOUR, toMs: NOW - 100 * HOUR }))).toEqual([]);
    });

    it('gives way to the other paths when a bound left out ties the page, which stays exact', async () => {
      for (const sort of ['costUsd', 'totalTokens'] as const) {
        const q = query({ sort, limit: 3 });
        expect(await written(`${P}-tied`, q)).toBeNull();
        const expected = await wholeRange(`${P}-tied`, q);
        expect(expected.length).toBe(4);
        const page = await reader.listTraces(`${P}-tied`, q);
        expect(page.items.map((t) => t.traceId)).toEqual(expected.slice(0, 3).map((r) => r.trace_id));
      }
    });

    it('reads only the project asked for', async () => {
      const mine = (await written(P, query({ limit: 400 })))!.map((r) => r.trace_id);
      const theirs = new Set((await written(`${P}-other`, query({ limit: 400 })))!.map((r) => r.trace_id));
      expect(mine.length).toBeGreaterThan(100);
      expect(mine.filter((id) => theirs.has(id))).toEqual([]);
    });
  },
);

describe('trace usage bounds (migration 022)', { timeout: 120_000 }, () => {
  it('writes the bounds of the summary rows stored before it', async () => {
    const { client, database } = embeddedForTests();
    const options = { database, retentionDays: 30 };
    await migrate(
      client,
      options,
      migrations.filter((m) => m.id < traceUsageBounds.id),
    );
    const writer = new ClickHouseSpanWriter(client, options);
    const before = seedTraces(P).slice(0, 400);
    await writer.insert(before);
    await writer.start(); // the upgrade: adds the columns and writes them for the rows stored so far
    const rows = async <T>(sql: string, params: Record<string, unknown>): Promise<T[]> =>
      (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>();
    // Each row's bound is that of its calls but the wrappers (one insert: no call twice).
    const [written] = await rows<{ rows: string; off: string; tokens: string }>(
      `SELECT count() AS rows, sum(tokens_bound) AS tokens,
         countIf(tokens_bound != arraySum(c -> if(has(arrayMap(x -> x.2, calls), c.1), 0, c.3 + c.4), calls)) AS off
       FROM ${database}.trace_summary FINAL`,
      {},
    );
    // Written into the parts by the background mutation (until then reads compute the same DEFAULTs).
    await expect
      .poll(
        async () =>
          rows<{ command: string; is_done: number }>(
            `SELECT command, is_done FROM system.mutations WHERE database = {db:String} AND table = 'trace_summary'`,
            { db: database },
          ),
        { timeout: 60_000, interval: 200 },
      )
      .toEqual(
        ['trace_hash', 'cost_bound', 'tokens_bound'].map((c) => ({
          command: `(MATERIALIZE COLUMN ${c})`,
          is_done: 1,
        })),
      );
    expect(Number(written!.rows)).toBeGreaterThan(100);
    expect(Number(written!.tokens)).toBeGreaterThan(100_000);
    expect(Number(written!.off)).toBe(0);
    const q = query({ fromMs: NOW - 72 * HOUR, limit: 10 });
    const { sql, params } = buildTraceListQuery(database, P, q, DEFAULT_FEEDBACK_SETTINGS);
    const expected = await rows<TraceRow>(sql, params);
    expect(expected.length).toBe(11);
    const fast = await costliestByWrittenBounds(rows, database, P, q, DEFAULT_FEEDBACK_SETTINGS);
    expect(fast && comparable(fast)).toEqual(comparable(expected));
  });
});
