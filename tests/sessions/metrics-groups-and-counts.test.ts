/**
 * The overview's grouping by release and environment and the traces list's total, on both ways Driftwatch
 * reaches ClickHouse's engine: embedded chDB, and ClickHouse's HTTP interface (@clickhouse/client against
 * tests/support/chdb-http-server.ts: param_* bindings in the URL, as a ClickHouse server receives them). Every
 * query is scoped by project: the other project's spans, with the same releases, never appear.
 */
import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord, TraceListQuery } from '@driftwatch/contracts';
import { ClickHouseSpanWriter, ClickHouseTraceReader } from '@driftwatch/store-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseWays } from '../support/clickhouse-ways.js';

const P = 'project-groups';
const OTHER = 'project-elsewhere';
const CAP = 10_000;
const range = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 1000, bucketSeconds: 3600 };
const list = (q: Partial<TraceListQuery> = {}): TraceListQuery => ({
  fromMs: range.fromMs,
  toMs: range.toMs,
  sort: 'startTime',
  order: 'desc',
  limit: 50,
  ...q,
});

/** A root span with one model call below it, from the given release and environment. */
function trace(projectId: string, release: string, environment: string, extra: Partial<SpanRecord> = {}) {
  const root = spanRecord({
    projectId,
    llm: null,
    release,
    environment,
    startTimeUnixNano: nanosAgo(60_000),
  });
  const call = spanRecord({
    projectId,
    traceId: root.traceId,
    parentSpanId: root.spanId,
    release,
    environment,
    startTimeUnixNano: nanosAgo(59_000),
    llm: llmCall({ costUsd: 0.001 }),
    ...extra,
  });
  return [root, call];
}

const spans: SpanRecord[] = [
  ...trace(P, '2.3.0', 'production'),
  ...trace(P, '2.3.0', 'production', { status: 'error' }),
  ...trace(P, '2.4.0', 'staging'),
  ...trace(P, '', ''),
  // Same releases in another project: never counted here.
  ...trace(OTHER, '2.3.0', 'production'),
  ...trace(OTHER, '9.9.9', 'production'),
];

const ways = clickHouseWays('driftwatch-groups-');

describe.each(ways)('metrics grouping and trace counts over %s', (_name, open) => {
  let reader: ClickHouseTraceReader;
  let writer: ClickHouseSpanWriter;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const opened = await open();
    stop = opened.stop;
    writer = new ClickHouseSpanWriter(opened.client, { database: 'dw_groups', retentionDays: 30 });
    await writer.start();
    await writer.insert(spans);
    reader = new ClickHouseTraceReader(opened.client, 'dw_groups');
  }, 120_000);

  afterAll(async () => {
    await stop?.();
  });

  const totalsBy = async (groupBy: 'release' | 'environment', series?: number) => {
    const summary = await reader.metricsSummary(P, { ...range, groupBy, ...(series ? { series } : {}) });
    return Object.fromEntries(summary.totals.map((t) => [t.group, [t.requests, t.errors]]));
  };

  it('groups model calls by release, calls without one as "(none)"', async () => {
    expect(await totalsBy('release')).toEqual({ '2.3.0': [2, 1], '2.4.0': [1, 0], '(none)': [1, 0] });
  });

  it('groups by environment and folds past the series limit into "(other)"', async () => {
    expect(await totalsBy('environment')).toEqual({ production: [2, 1], staging: [1, 0], '(none)': [1, 0] });
    expect(await totalsBy('environment', 1)).toEqual({ production: [2, 1], '(other)': [2, 0] });
  });

  it('buckets carry the same groups as the totals', async () => {
    const summary = await reader.metricsSummary(P, { ...range, groupBy: 'release' });
    const groups = new Set(summary.buckets.map((b) => b.group));
    expect(groups).toEqual(new Set(['2.3.0', '2.4.0', '(none)']));
    expect(summary.buckets.reduce((n, b) => n + b.requests, 0)).toBe(4);
  });

  it('counts the traces the list filters match, in this project only', async () => {
    expect(await reader.countTraces(P, list())).toEqual({ total: 4, totalCapped: false });
    expect(await reader.countTraces(P, list({ status: 'error' }))).toEqual({ total: 1, totalCapped: false });
    expect(await reader.countTraces(OTHER, list())).toEqual({ total: 2, totalCapped: false });
    // The cursor, sort and limit of a page do not change the total.
    const page = await reader.listTraces(P, list({ limit: 2 }));
    expect(page.items).toHaveLength(2);
    expect(await reader.countTraces(P, list({ limit: 2, cursor: page.nextCursor! }))).toEqual({
      total: 4,
      totalCapped: false,
    });
  });

  it('says "more than" past the cap instead of counting on', async () => {
    const many = 'project-many';
    const roots: SpanRecord[] = [];
    for (let i = 0; i < CAP + 5; i++)
      roots.push(spanRecord({ projectId: many, llm: null, startTimeUnixNano: nanosAgo(30_000 + i) }));
    await writer.insert(roots);
    expect(await reader.countTraces(many, list())).toEqual({ total: CAP, totalCapped: true });
    expect(await reader.countTraces(many, list({ status: 'error' }))).toEqual({
      total: 0,
      totalCapped: false,
    });
  }, 120_000);
});
