import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { ClickHousePriceOverrideStore } from './price-override-store.js';
import { embeddedForTests } from './test-support.js';

const P = 'project-counted';
const range = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 1000 };

let writer: ClickHouseSpanWriter;
let reader: ClickHouseTraceReader;
let prices: ClickHousePriceOverrideStore;

/**
 * A framework's model span (e.g. a LangChain ChatOpenAI span) around the provider's span, both reporting the same
 * usage. Exported in two requests, each was the innermost model call of its request, so both arrive counted.
 */
const root = spanRecord({
  projectId: P,
  llm: null,
  name: 'handle request',
  startTimeUnixNano: nanosAgo(60_000),
});
const wrapper = spanRecord({
  projectId: P,
  traceId: root.traceId,
  parentSpanId: root.spanId,
  name: 'ChatOpenAI',
  startTimeUnixNano: nanosAgo(59_000),
  llm: llmCall({ usageCounted: true, costUsd: 0.000027 }),
});
const inner = spanRecord({
  projectId: P,
  traceId: root.traceId,
  parentSpanId: wrapper.spanId,
  name: 'OpenAI Chat Completions',
  startTimeUnixNano: nanosAgo(58_000),
  llm: llmCall({ usageCounted: true, costUsd: 0.000027 }),
});
/** A second call of the same trace, streamed without usage: estimated at ingest. */
const streamed = spanRecord({
  projectId: P,
  traceId: root.traceId,
  parentSpanId: root.spanId,
  name: 'OpenAI Chat Completions (stream)',
  startTimeUnixNano: nanosAgo(57_000),
  llm: llmCall({
    usageCounted: true,
    costUsd: 0.00001,
    usage: {
      inputTokens: 30,
      outputTokens: 10,
      cacheReadInputTokens: null,
      cacheWriteInputTokens: null,
      reasoningTokens: null,
      totalTokens: 40,
      estimated: true,
    },
  }),
});

beforeAll(async () => {
  const { client, database } = embeddedForTests();
  writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  reader = new ClickHouseTraceReader(client, database);
  prices = new ClickHousePriceOverrideStore(client, database, 60_000);
  // Inner call and the streamed call first, then the wrapper and the root, as a batch processor exports them.
  const batches: SpanRecord[][] = [[inner, streamed], [wrapper], [root]];
  for (const batch of batches) await writer.insert(batch);
});

describe('usage counted once per trace, whatever the export order', () => {
  it('leaves out a counted wrapper whose inner model call arrived in another request', async () => {
    const page = await reader.listTraces(P, { ...range, sort: 'startTime', order: 'desc', limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ llmCallCount: 2, inputTokens: 100 + 30, outputTokens: 20 + 10 });
    expect(page.items[0]?.costUsd).toBeCloseTo(0.000027 + 0.00001, 12);
  });

  it('says when a counted call was estimated', async () => {
    const page = await reader.listTraces(P, { ...range, sort: 'startTime', order: 'desc', limit: 10 });
    expect(page.items[0]?.usageEstimated).toBe(true);
  });

  it('sorts by the tokens counted once', async () => {
    const page = await reader.listTraces(P, { ...range, sort: 'totalTokens', order: 'desc', limit: 10 });
    expect(page.items[0]?.inputTokens).toBe(130);
  });

  it('gives metrics the same totals as the trace list', async () => {
    const summary = await reader.metricsSummary(P, { ...range, bucketSeconds: 3600 });
    expect(summary.totals).toHaveLength(1);
    expect(summary.totals[0]).toMatchObject({ requests: 2, inputTokens: 130, outputTokens: 30 });
    expect(summary.totals[0]?.costUsd).toBeCloseTo(0.000037, 12);
    const grouped = await reader.metricsSummary(P, { ...range, bucketSeconds: 3600, groupBy: 'model' });
    expect(grouped.totals.reduce((n, p) => n + p.inputTokens, 0)).toBe(130);
  });

  it('marks in the trace detail which calls are in the totals, and which usage is estimated', async () => {
    const detail = await reader.getTrace(P, root.traceId);
    const byName = new Map(detail!.spans.map((s) => [s.name, s.llm]));
    expect(byName.get('ChatOpenAI')?.usageCounted).toBe(false);
    expect(byName.get('OpenAI Chat Completions')?.usageCounted).toBe(true);
    expect(byName.get('OpenAI Chat Completions (stream)')).toMatchObject({
      usageCounted: true,
      usage: { inputTokens: 30, estimated: true },
    });
    expect(byName.get('OpenAI Chat Completions')?.usage.estimated).toBe(false);
  });
});

describe('project price overrides', () => {
  const override = { provider: '', model: 'acme-llm', input: 1, output: 2, cacheRead: 0.5 };

  it('has none until set, then returns the list as stored, replaced as a whole', async () => {
    expect(await prices.list('p-prices')).toEqual([]);
    await prices.replace('p-prices', [
      override,
      { provider: 'openai', model: 'gpt-4o', input: 2, output: 8 },
    ]);
    expect(await prices.list('p-prices')).toHaveLength(2);
    await prices.replace('p-prices', [override]);
    expect(await prices.list('p-prices')).toEqual([override]);
    expect(await prices.list('other-project')).toEqual([]);
  });

  it('serves the ingest the same list object while it is unchanged', async () => {
    await prices.replace('p-cached', [override]);
    const first = await prices.current('p-cached');
    expect(first).toEqual([override]);
    expect(await prices.current('p-cached')).toBe(first);
  });

  it('reads overrides another process stored once the cached copy is old', async () => {
    const { client, database } = embeddedForTests();
    const w = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
    await w.start();
    const ingest = new ClickHousePriceOverrideStore(client, database, 0);
    const api = new ClickHousePriceOverrideStore(client, database, 0);
    expect(await ingest.current('p')).toEqual([]);
    await api.replace('p', [override]);
    expect(await ingest.current('p')).toEqual([override]);
  });
});
