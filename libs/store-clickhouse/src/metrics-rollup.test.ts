import type { ClickHouseClient } from '@clickhouse/client';
import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { MetricsQuery, MetricsSummary, SpanRecord } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
import { ClickHouseFeedbackStore } from './feedback-store.js';
import { migrate } from './migrate.js';
import { metricsRollup } from './migrations/020-metrics-rollup.js';
import { migrations } from './migrations/index.js';
import { planMetrics } from './metrics-query.js';
import { MetricsRollup } from './metrics-rollup.js';
import { ClickHouseRetentionStore } from './retention-store.js';
import { embeddedForTests } from './test-support.js';

const P = 'project-rollup';
const HOUR = 3_600_000;
/** The current hour's start: the data lies in the closed hours before it (and a little in the open one). */
const BASE = Math.floor(Date.now() / HOUR) * HOUR;
const MODELS = ['gpt-4o', 'claude-3-5-sonnet', 'gemini-1.5-pro'];

const at = (hoursAgo: number, minute: number): string =>
  (BigInt(Math.round(BASE - hoursAgo * HOUR + minute * 60_000)) * 1_000_000n + 789n).toString();

/** Model call number i: varied model, release, environment, status, tokens, cost and duration. */
function call(hoursAgo: number, minute: number, i: number, over: Partial<SpanRecord> = {}): SpanRecord {
  const model = MODELS[i % 3]!;
  return spanRecord({
    projectId: P,
    startTimeUnixNano: at(hoursAgo, minute),
    durationNs: 200e6 + ((i * 7919) % 3000) * 1e6,
    status: i % 7 === 0 ? 'error' : 'ok',
    release: i % 3 === 0 ? '' : `1.${i % 2}`,
    environment: i % 4 === 0 ? 'staging' : 'production',
    llm: llmCall({
      requestModel: model,
      responseModel: i % 5 === 0 ? '' : `${model}-0601`,
      usage: { ...llmCall().usage, inputTokens: 100 + i, outputTokens: 10 + (i % 13) },
      costUsd: i % 6 === 0 ? null : 0.001 * (i % 10),
    }),
    ...over,
  });
}

/** An agent: a root, a framework's wrapper model span and the provider call inside it (the wrapper is not counted). */
function agent(hoursAgo: number, minute: number, i: number, innerMinute = minute + 0.01): SpanRecord[] {
  const root = spanRecord({
    projectId: P,
    llm: null,
    name: 'agent',
    startTimeUnixNano: at(hoursAgo, minute),
  });
  const wrapper = call(hoursAgo, minute, i, { traceId: root.traceId, parentSpanId: root.spanId });
  const inner = call(hoursAgo, innerMinute, i + 1, { traceId: root.traceId, parentSpanId: wrapper.spanId });
  return [root, wrapper, inner];
}

/** Calls over the 30 hours before BASE and in the open hour; two agent wrappers straddle an hour's end. */
function dataset(): SpanRecord[] {
  const spans: SpanRecord[] = [];
  let i = 0;
  for (let hoursAgo = 30; hoursAgo >= 0; hoursAgo--)
    for (const minute of [3, 17, 29, 41, 58]) {
      if (hoursAgo === 0 && minute > (Date.now() - BASE) / 60_000) continue;
      spans.push(call(hoursAgo, minute, i++));
      if (i % 4 === 2) spans.push(...agent(hoursAgo, minute + 0.5, i++));
    }
  spans.push(...agent(12, 59.999, 500, 60.001), ...agent(7, 59.9, 502, 60.2));
  return spans;
}

/** What the summary must say of these spans, computed here: each span once, wrappers left out. */
function expected(spans: readonly SpanRecord[]) {
  const unique = [...new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s])).values()];
  const parents = new Set(
    unique.filter((s) => s.llm?.usageCounted && s.parentSpanId).map((s) => `${s.traceId}/${s.parentSpanId}`),
  );
  const calls = unique.filter((s) => s.llm?.usageCounted && !parents.has(`${s.traceId}/${s.spanId}`));
  const durations = calls.map((s) => s.durationNs).sort((a, b) => a - b);
  const quantile = (level: number) => {
    const position = level * (durations.length - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, durations.length - 1);
    return (durations[low]! + (position - low) * (durations[high]! - durations[low]!)) / 1e6;
  };
  return {
    requests: calls.length,
    errors: calls.filter((s) => s.status === 'error').length,
    inputTokens: calls.reduce((n, s) => n + (s.llm!.usage.inputTokens ?? 0), 0),
    outputTokens: calls.reduce((n, s) => n + (s.llm!.usage.outputTokens ?? 0), 0),
    costUsd: calls.reduce((n, s) => n + (s.llm!.costUsd ?? 0), 0),
    latencyP50Ms: quantile(0.5),
    latencyP95Ms: quantile(0.95),
    latencyP99Ms: quantile(0.99),
  };
}

const toMs = Date.now() + 60_000;
/** Aligned and not aligned on hours, every grouping, buckets of whole hours and of less (read from the spans). */
const QUERIES: MetricsQuery[] = [
  { fromMs: BASE - 31 * HOUR, toMs, bucketSeconds: 3600 },
  { fromMs: BASE - 31 * HOUR + 1_234_567, toMs, bucketSeconds: 7200 },
  { fromMs: BASE - 20 * HOUR, toMs: BASE - 5 * HOUR, bucketSeconds: 43_200 },
  { fromMs: BASE - 31 * HOUR, toMs, bucketSeconds: 3600, groupBy: 'model', series: 2 },
  { fromMs: BASE - 31 * HOUR, toMs, bucketSeconds: 10_800, groupBy: 'release' },
  { fromMs: BASE - 26 * HOUR - 600_000, toMs, bucketSeconds: 1800, groupBy: 'environment' },
];

async function summaries(reader: ClickHouseTraceReader): Promise<MetricsSummary[]> {
  const all: MetricsSummary[] = [];
  for (const query of QUERIES) all.push(await reader.metricsSummary(P, query));
  return all;
}

/** Sums of costs in another order differ in the last bits: compared to 1e-9. */
function comparable(all: MetricsSummary[]): MetricsSummary[] {
  const round = (s: MetricsSummary['totals']) =>
    s.map((p) => ({ ...p, costUsd: Math.round(p.costUsd * 1e9) }));
  return all.map((s) => ({ totals: round(s.totals), buckets: round(s.buckets) }));
}

function expectTotals(summary: MetricsSummary, spans: readonly SpanRecord[]): void {
  const { costUsd, latencyP50Ms, latencyP95Ms, latencyP99Ms, ...counts } = expected(spans);
  expect(summary.totals).toHaveLength(1);
  const total = summary.totals[0]!;
  expect(total).toMatchObject(counts);
  expect(total.costUsd).toBeCloseTo(costUsd, 9);
  expect([total.latencyP50Ms, total.latencyP95Ms, total.latencyP99Ms].map((ms) => ms.toFixed(6))).toEqual(
    [latencyP50Ms, latencyP95Ms, latencyP99Ms].map((ms) => ms.toFixed(6)),
  );
}

async function rollupRows(client: ClickHouseClient, database: string): Promise<number> {
  const result = await client.query({
    query: `SELECT count() AS n FROM ${database}.metrics_rollup WHERE project_id = {p:String}`,
    query_params: { p: P },
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: string }>())[0]!.n);
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('metrics rollup (migration 020)', { timeout: 120_000 }, () => {
  it('gives the summary of the spans, with retried spans, late spans, feedback and every grouping', async () => {
    const { client, database } = embeddedForTests();
    const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
    await writer.start();
    // Settle 0: an hour is clean as soon as it is rolled up after its last span (the default waits a minute).
    const reader = new ClickHouseTraceReader(client, database, undefined, 0);
    const rollup = new MetricsRollup(client, database, { settleMs: 0 });
    // An agent whose provider call (in the next hour) arrives late, after the wrapper's hour was rolled up.
    const [lateRoot, lateWrapper, lateInner] = agent(9, 58, 900, 61) as [SpanRecord, SpanRecord, SpanRecord];
    const spans = [...dataset(), lateRoot, lateWrapper];
    await writer.insert(spans);
    await writer.insert(spans.slice(10, 60)); // a batch redelivered
    const agentSpans = spans.filter((s) => s.name === 'agent');
    await new ClickHouseFeedbackStore(client, database, async () => DEFAULT_FEEDBACK_SETTINGS).record(
      P,
      [{ traceId: agentSpans[3]!.traceId, name: 'thumbs', value: false }],
      'api_key',
    );

    const fromSpans = await summaries(reader); // nothing rolled up yet: all read from the spans
    expectTotals(fromSpans[0]!, spans);
    expect(fromSpans[0]!.totals[0]).toMatchObject({ feedbackCalls: 1, negativeFeedbackCalls: 1 });
    expect(fromSpans[3]!.totals.map((t) => t.group)).toContain('(other)');

    await tick();
    expect(await rollup.refresh()).toBeGreaterThanOrEqual(30);
    expect(await rollupRows(client, database)).toBeGreaterThan(30);
    expect(await rollup.refresh()).toBe(0); // nothing changed since
    expect(comparable(await summaries(reader))).toEqual(comparable(fromSpans));

    // Redelivered into rolled-up hours, a late call into a past hour, and the late provider call that makes the
    // wrapper of the hour before it a wrapper: those hours are read from the spans until they are rolled up
    // again; the figures count each span once all along.
    const late = call(20, 33, 777);
    await writer.insert([...spans.slice(0, 40), late, lateInner]);
    const withLate = [...spans, late, lateInner];
    const lateFromSpans = await summaries(reader);
    expectTotals(lateFromSpans[0]!, withLate);
    await tick();
    const again = await rollup.refresh();
    expect(again).toBeGreaterThanOrEqual(3);
    expect(again).toBeLessThan(30);
    expect(comparable(await summaries(reader))).toEqual(comparable(lateFromSpans));
    expectTotals((await summaries(reader))[0]!, withLate);
  });

  it('reads the rolled-up hours from the rollup, the others from the spans', async () => {
    const { client, database } = embeddedForTests();
    const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
    await writer.start();
    const reader = new ClickHouseTraceReader(client, database, undefined, 0);
    await writer.insert([call(5, 10, 1), call(0, 0, 2)]);
    // With the default settle time, hour -5 (its spans arrived just now) waits to be quiet; the open hour is not due.
    const patient = new MetricsRollup(client, database);
    expect(await patient.refresh()).toBe(0);
    expect(patient.health().pendingHours).toBe(1);
    await tick();
    await new MetricsRollup(client, database, { settleMs: 0 }).refresh();
    // A newer version of hour -5 written by hand: the summary must follow it (so it reads the rollup there).
    await client.command({
      query: `INSERT INTO ${database}.metrics_rollup (project_id, hour, model, release, environment, requests,
                errors, input_tokens, output_tokens, cost_usd, latency, version)
              SELECT {p:String}, toDateTime({h:UInt32}, 'UTC'), 'm', '', '', 40, 0, 0, 0, 0,
                arrayReduce('quantilesState(0.5, 0.95, 0.99)', [toUInt64(1e9)]), now64(3)`,
      query_params: { p: P, h: (BASE - 5 * HOUR) / 1000 },
    });
    const summary = await reader.metricsSummary(P, { fromMs: BASE - 6 * HOUR, toMs, bucketSeconds: 3600 });
    expect(summary.totals[0]?.requests).toBe(41); // the hand-written hour, and the open hour from the spans
    // The default settle time: rolled up moments ago after spans that had just arrived, hour -5 is not trusted yet.
    const cautious = new ClickHouseTraceReader(client, database);
    const fromSpans = await cautious.metricsSummary(P, {
      fromMs: BASE - 6 * HOUR,
      toMs,
      bucketSeconds: 3600,
    });
    expect(fromSpans.totals[0]?.requests).toBe(2);
  });

  it('rolls up the spans stored before the migration, each once', async () => {
    const { client, database } = embeddedForTests();
    const options = { database, retentionDays: 30 };
    await migrate(
      client,
      options,
      migrations.filter((m) => m.id < metricsRollup.id),
    );
    const writer = new ClickHouseSpanWriter(client, options);
    const spans = dataset();
    await writer.insert(spans);
    await writer.insert(spans.slice(5, 25)); // stored twice before the upgrade

    await writer.start(); // the upgrade: migration 020 marks every hour holding spans as not rolled up
    const reader = new ClickHouseTraceReader(client, database, undefined, 0);
    const before = await summaries(reader);
    expectTotals(before[0]!, spans);
    expect(await rollupRows(client, database)).toBe(0);
    const rollup = new MetricsRollup(client, database, { settleMs: 0 });
    expect(await rollup.refresh()).toBeGreaterThanOrEqual(30);
    expect(await rollup.refresh()).toBe(0);
    expect(await rollupRows(client, database)).toBeGreaterThan(30);
    expect(comparable(await summaries(reader))).toEqual(comparable(before));
  });

  it("forgets the hours a project's retention deleted", async () => {
    const { client, database } = embeddedForTests();
    const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
    await writer.start();
    const reader = new ClickHouseTraceReader(client, database, undefined, 0);
    await writer.insert([call(5, 10, 1), call(3, 10, 2)]);
    await tick();
    await new MetricsRollup(client, database, { settleMs: 0 }).refresh();
    const query = { fromMs: BASE - 6 * HOUR, toMs, bucketSeconds: 3600 };
    expect((await reader.metricsSummary(P, query)).totals[0]?.requests).toBe(2);
    await new ClickHouseRetentionStore(client, database).deleteSpansOlderThan(P, 0);
    expect((await reader.metricsSummary(P, query)).totals).toEqual([]);
  });
});

describe('planMetrics', () => {
  const h = (n: number) => (BASE + n * HOUR) / 1000;
  const query = { fromMs: BASE + 1000, toMs: BASE + 10 * HOUR + 5000, bucketSeconds: 3600 };

  it('reads whole clean hours from the rollup and the rest of the range from the spans', () => {
    expect(planMetrics(query, [h(0), h(1), h(2), h(4), h(9), h(10)], false)).toEqual({
      rollupHours: [h(1), h(2), h(4), h(9)],
      live: [
        [BASE + 1000, BASE + HOUR],
        [BASE + 3 * HOUR, BASE + 4 * HOUR],
        [BASE + 5 * HOUR, BASE + 9 * HOUR],
        [BASE + 10 * HOUR, BASE + 10 * HOUR + 5000],
      ],
    });
    // Buckets of less than an hour cannot be cut from hourly rows: all from the spans.
    expect(planMetrics({ ...query, bucketSeconds: 1800 }, [h(1), h(2)], true)).toEqual({
      rollupHours: [],
      live: [[query.fromMs, query.toMs]],
    });
  });

  it('joins live intervals past 16, reading the hours between them from the spans', () => {
    const clean = Array.from({ length: 40 }, (_, i) => h(2 * i + 1));
    const long = { ...query, toMs: BASE + 80 * HOUR };
    const plan = planMetrics(long, clean, false);
    expect(plan.live.length).toBeLessThanOrEqual(16);
    const covered = plan.live.reduce((n, [lo, hi]) => n + hi - lo, 0) + plan.rollupHours.length * HOUR;
    expect(covered).toBe(long.toMs - long.fromMs); // every instant once
    for (const hour of plan.rollupHours)
      expect(plan.live.some(([lo, hi]) => hour * 1000 < hi && hour * 1000 + HOUR > lo)).toBe(false);
  });
});
