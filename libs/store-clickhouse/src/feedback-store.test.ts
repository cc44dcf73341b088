import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { FeedbackSettings } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
import { ClickHouseFeedbackStore, idempotencyKeyOf } from './feedback-store.js';
import { embeddedForTests } from './test-support.js';

const SETTINGS: FeedbackSettings = {
  allowedOrigins: [],
  requireConfiguredNames: false,
  names: [
    { name: 'rating', type: 'numeric', min: 1, max: 5, negativeBelow: 3 },
    { name: 'relevance', type: 'numeric' },
    {
      name: 'verdict',
      type: 'categorical',
      labels: ['good', 'wrong', 'rude'],
      negativeLabels: ['wrong', 'rude'],
    },
  ],
};

async function fresh(settings: FeedbackSettings = SETTINGS) {
  const { client, database } = embeddedForTests();
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  return {
    writer,
    store: new ClickHouseFeedbackStore(client, database, async () => settings),
    reader: new ClickHouseTraceReader(client, database, async () => settings),
  };
}

const hex = (n: number, length: number) => n.toString(16).padStart(length, '0');
const trace = (n: number) => hex(n, 32);

describe('ClickHouseFeedbackStore on chDB', () => {
  it('stores a retried item once: same idempotency key, or same content without one', async () => {
    const { store } = await fresh();
    const item = { traceId: trace(1), name: 'thumbs', value: true, idempotencyKey: 'k1' };
    const first = await store.record(
      'p',
      [item, { traceId: trace(1), name: 'thumbs', value: false }],
      'api_key',
    );
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    const retry = await store.record(
      'p',
      [{ ...item, value: false }, { name: 'thumbs', value: false, traceId: trace(1) }, item],
      'api_key',
    );
    expect(retry).toEqual({ accepted: 0, duplicates: 3, ids: [first.ids[0], first.ids[1], first.ids[0]] });
    expect(await store.listForTrace('p', trace(1))).toHaveLength(2);
    // The same key in another project is another item.
    expect((await store.record('q', [item], 'api_key')).accepted).toBe(1);
    expect(idempotencyKeyOf({ traceId: trace(1), name: 'a', value: 1, metadata: { b: '1', a: '2' } })).toBe(
      idempotencyKeyOf({ value: 1, metadata: { a: '2', b: '1' }, name: 'a', traceId: trace(1) }),
    );
  });

  it('judges negativity by the documented rules and returns every field as sent', async () => {
    const { store } = await fresh();
    const cases: Array<[string | number | boolean, string, boolean | null]> = [
      [false, 'thumbs', true],
      [true, 'thumbs', false],
      [0, 'score', true],
      [0.7, 'score', false],
      [2, 'rating', true],
      [3, 'rating', false],
      [0, 'relevance', null],
      ['rude', 'verdict', true],
      ['good', 'verdict', false],
      ['whatever', 'note', null],
    ];
    const items = cases.map(([value, name], i) => ({
      traceId: trace(2),
      spanId: hex(i + 1, 16),
      name,
      value,
      comment: `c${i}`,
      correction: i === 0 ? 'the right answer' : undefined,
      userId: `u${i}`,
      metadata: { i: String(i) },
      timeMs: 1_700_000_000_000 + i,
    }));
    await store.record('p', items, 'public_key');
    const listed = await store.listForTrace('p', trace(2));
    expect(listed.map((f) => [f.value, f.name, f.negative])).toEqual(cases);
    expect(listed[0]).toMatchObject({
      traceId: trace(2),
      spanId: hex(1, 16),
      comment: 'c0',
      correction: 'the right answer',
      userId: 'u0',
      metadata: { i: '0' },
      source: 'public_key',
      time: new Date(1_700_000_000_000).toISOString(),
    });
  });

  it('joins feedback naming only a span to its trace when the span arrives later', async () => {
    const { writer, store } = await fresh(DEFAULT_FEEDBACK_SETTINGS);
    const span = spanRecord({ projectId: 'p', llm: llmCall() });
    await store.record('p', [{ spanId: span.spanId, name: 'thumbs', value: false }], 'api_key');
    expect(await store.listForTrace('p', span.traceId)).toEqual([]);
    expect((await store.byTrace('p', { traceIds: [span.traceId] })).size).toBe(0);
    await writer.insert([span]);
    const listed = await store.listForTrace('p', span.traceId);
    expect(listed.map((f) => [f.traceId, f.spanId, f.negative])).toEqual([[span.traceId, span.spanId, true]]);
    const byTrace = await store.byTrace('p', { traceIds: [span.traceId] });
    expect(byTrace.get(span.traceId)).toEqual({ negativeFeedback: true, scores: { thumbs: 0 }, count: 1 });
    // Another project never sees it.
    expect(await store.listForTrace('q', span.traceId)).toEqual([]);
  });

  it('per trace: the latest judgement per user counts; scores average; the time scope follows the spans', async () => {
    const { writer, store } = await fresh();
    const spans = [1, 2, 3].map(() => spanRecord({ projectId: 'p', llm: llmCall() }));
    await writer.insert(spans);
    const [a, b, c] = spans.map((s) => s.traceId) as [string, string, string];
    await store.record(
      'p',
      [
        // ada changes her mind on a: down, then up -> positive.
        { traceId: a, name: 'thumbs', value: false, userId: 'ada', timeMs: Date.now() - 5000 },
        { traceId: a, name: 'thumbs', value: true, userId: 'ada', timeMs: Date.now() - 1000 },
        { traceId: a, name: 'rating', value: 4, userId: 'ada' },
        { traceId: a, name: 'rating', value: 2, userId: 'bob' },
        // b: one anonymous thumbs down among ups -> negative.
        { traceId: b, name: 'thumbs', value: true },
        { traceId: b, name: 'thumbs', value: false, comment: 'no' },
        // c: a score only, no judgement.
        { traceId: c, name: 'relevance', value: 0.25 },
      ],
      'api_key',
    );
    const all = await store.byTrace('p', { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 });
    // a: rating 2 (bob) is below 3 -> negative overall.
    expect(all.get(a)).toEqual({ negativeFeedback: true, scores: { thumbs: 1, rating: 3 }, count: 3 });
    expect(all.get(b)).toEqual({ negativeFeedback: true, scores: { thumbs: 0.5 }, count: 2 });
    expect(all.get(c)).toEqual({ negativeFeedback: null, scores: { relevance: 0.25 }, count: 1 });
    const earlier = await store.byTrace('p', {
      fromMs: Date.now() - 7_200_000,
      toMs: Date.now() - 3_600_000,
    });
    expect(earlier.size).toBe(0);
  });
});

describe('feedback in the traces list and the metrics summary', () => {
  it('filters and annotates traces, and gives the negative-feedback rate per bucket and model', async () => {
    const { writer, store, reader } = await fresh();
    const calls = [0, 1, 2, 3].map((i) =>
      spanRecord({
        projectId: 'p',
        llm: llmCall({ requestModel: i < 3 ? 'gpt-4o-mini' : 'gpt-4o', responseModel: '' }),
      }),
    );
    await writer.insert(calls);
    const [a, b, c, d] = calls as [
      (typeof calls)[0],
      (typeof calls)[0],
      (typeof calls)[0],
      (typeof calls)[0],
    ];
    await store.record(
      'p',
      [
        { traceId: a.traceId, name: 'thumbs', value: false },
        { spanId: b.spanId, name: 'thumbs', value: true },
        { traceId: c.traceId, name: 'note', value: 'just a remark' },
        { traceId: d.traceId, name: 'rating', value: 1 },
      ],
      'api_key',
    );
    const range = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 60_000 };
    const list = async (feedback?: 'any' | 'none' | 'negative' | 'positive') =>
      (
        await reader.listTraces('p', {
          ...range,
          sort: 'startTime',
          order: 'desc',
          limit: 50,
          ...(feedback ? { feedback } : {}),
        })
      ).items;
    const all = await list();
    expect(new Map(all.map((t) => [t.traceId, [t.feedbackCount, t.negativeFeedback]]))).toEqual(
      new Map([
        [a.traceId, [1, true]],
        [b.traceId, [1, false]],
        [c.traceId, [1, null]],
        [d.traceId, [1, true]],
      ]),
    );
    expect((await list('negative')).map((t) => t.traceId).sort()).toEqual([a.traceId, d.traceId].sort());
    expect((await list('positive')).map((t) => t.traceId)).toEqual([b.traceId]);
    expect(await list('none')).toEqual([]);
    expect(await list('any')).toHaveLength(4);

    const summary = await reader.metricsSummary('p', { ...range, bucketSeconds: 3600 });
    expect(summary.totals[0]).toMatchObject({
      requests: 4,
      feedbackCalls: 3,
      negativeFeedbackCalls: 2,
      negativeFeedbackRate: 2 / 3,
    });
    const byModel = await reader.metricsSummary('p', {
      ...range,
      bucketSeconds: 3600,
      groupBy: 'model',
      series: 5,
    });
    expect(
      Object.fromEntries(byModel.totals.map((t) => [t.group, [t.feedbackCalls, t.negativeFeedbackRate]])),
    ).toEqual({ 'gpt-4o-mini': [2, 0.5], 'gpt-4o': [1, 1] });
    const empty = summary.buckets.find((bucket) => bucket.requests === 0);
    expect(empty?.negativeFeedbackRate).toBeNull();
  });
});
