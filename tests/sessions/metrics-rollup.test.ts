/**
 * The metrics summary over the hourly rollup (migration 020) equals the summary read from the spans, on both ways
 * Driftwatch reaches ClickHouse's engine: embedded chDB, and ClickHouse's HTTP interface (@clickhouse/client
 * against tests/support/chdb-http-server.ts, bindings in the URL as a ClickHouse server receives them). With a
 * batch delivered twice, spans arriving late into a rolled-up hour, and another project's spans in the same hours.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { MetricsQuery, MetricsSummary, SpanRecord } from '@driftwatch/contracts';
import { ClickHouseSpanWriter, ClickHouseTraceReader, MetricsRollup } from '@driftwatch/store-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseWays } from '../support/clickhouse-ways.js';

const P = 'project-rollup';
const OTHER = 'project-next-door';
const HOUR = 3_600_000;
const BASE = Math.floor(Date.now() / HOUR) * HOUR;
const DB = 'dw_rollup';

const at = (hoursAgo: number, minute: number) =>
  (BigInt(Math.round(BASE - hoursAgo * HOUR + minute * 60_000)) * 1_000_000n).toString();

function call(
  projectId: string,
  hoursAgo: number,
  minute: number,
  i: number,
  over: Partial<SpanRecord> = {},
) {
  return spanRecord({
    projectId,
    startTimeUnixNano: at(hoursAgo, minute),
    durationNs: (300 + ((i * 37) % 900)) * 1e6,
    status: i % 5 === 0 ? 'error' : 'ok',
    release: i % 2 ? '1.0' : '1.1',
    llm: llmCall({
      requestModel: i % 3 ? 'gpt-4o' : 'claude-3-5-haiku',
      responseModel: '',
      usage: { ...llmCall().usage, inputTokens: 50 + i, outputTokens: 5 + (i % 7) },
      costUsd: i % 4 ? 0.0001 * i : null,
    }),
    ...over,
  });
}

/** Calls in the 8 hours before the current one and in it, and an agent whose wrapper is not counted. */
function spansOf(projectId: string): SpanRecord[] {
  const spans: SpanRecord[] = [];
  let i = 0;
  for (let hoursAgo = 8; hoursAgo >= 1; hoursAgo--)
    for (const minute of [5, 25, 45]) spans.push(call(projectId, hoursAgo, minute, i++));
  spans.push(call(projectId, 0, 0, i++));
  const root = spanRecord({ projectId, llm: null, startTimeUnixNano: at(4, 59.99) });
  const wrapper = call(projectId, 4, 59.99, 100, { traceId: root.traceId, parentSpanId: root.spanId });
  const inner = call(projectId, 3, 0.01, 101, { traceId: root.traceId, parentSpanId: wrapper.spanId });
  return [...spans, root, wrapper, inner];
}

const toMs = Date.now() + 60_000;
const QUERIES: MetricsQuery[] = [
  { fromMs: BASE - 9 * HOUR, toMs, bucketSeconds: 3600 },
  { fromMs: BASE - 9 * HOUR + 600_000, toMs, bucketSeconds: 7200, groupBy: 'model' },
  { fromMs: BASE - 9 * HOUR, toMs, bucketSeconds: 1800, groupBy: 'release', series: 1 },
];

const ways = clickHouseWays('driftwatch-rollup-');

describe.each(ways)('metrics rollup over %s', (_name, open) => {
  let client: ClickHouseClient;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ client, stop } = await open());
  }, 120_000);

  afterAll(async () => {
    await stop?.();
  });

  it('answers as the spans do, before and after the hours are rolled up', { timeout: 120_000 }, async () => {
    const writer = new ClickHouseSpanWriter(client, { database: DB, retentionDays: 30 });
    await writer.start();
    // Settle 0: an hour is trusted as soon as it is rolled up after its last span (the server waits a minute).
    const reader = new ClickHouseTraceReader(client, DB, undefined, 0);
    const rollup = new MetricsRollup(client, DB, { settleMs: 0 });
    const spans = spansOf(P);
    await writer.insert([...spans, ...spansOf(OTHER)]);
    await writer.insert(spans.slice(3, 12)); // a batch delivered twice
    const summaries = async (projectId = P): Promise<MetricsSummary[]> => {
      const all: MetricsSummary[] = [];
      for (const query of QUERIES) all.push(await reader.metricsSummary(projectId, query));
      return all;
    };
    const fromSpans = await summaries();
    // 24 calls in closed hours, one in the open hour, the agent's inner call; its wrapper is left out.
    expect(fromSpans[0]!.totals[0]).toMatchObject({ requests: 26 });

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rollup.refresh()).toBeGreaterThanOrEqual(16); // 8 hours of each project, and neighbours
    expect(rounded(await summaries())).toEqual(rounded(fromSpans));
    expect(rounded(await summaries(OTHER))).toEqual(rounded(fromSpans));

    // Late into a rolled-up hour, and redelivered: read from the spans until rolled up again, counted once.
    const late = call(P, 6, 50, 7);
    await writer.insert([late, ...spans.slice(0, 6)]);
    const lateFromSpans = await summaries();
    expect(lateFromSpans[0]!.totals[0]?.requests).toBe(27);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await rollup.refresh()).toBeGreaterThan(0);
    expect(rounded(await summaries())).toEqual(rounded(lateFromSpans));
    expect(rounded(await summaries(OTHER))).toEqual(rounded(fromSpans));
  });
});

/** Costs summed in another order differ in the last bits. */
function rounded(all: MetricsSummary[]): MetricsSummary[] {
  const round = (s: MetricsSummary['totals']) =>
    s.map((p) => ({ ...p, costUsd: Math.round(p.costUsd * 1e9) }));
  return all.map((s) => ({ totals: round(s.totals), buckets: round(s.buckets) }));
}
