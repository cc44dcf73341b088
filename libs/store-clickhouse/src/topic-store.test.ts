import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { StoredTopicModel, TopicAssignment } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { ClickHouseRetentionStore } from './retention-store.js';
import { ClickHouseSamplingRateStore } from './sampling-rate-store.js';
import { embeddedForTests } from './test-support.js';
import { ClickHouseTopicStore } from './topic-store.js';

const HOUR = 3_600_000;

function model(projectId: string, version: number, ids: string[]): StoredTopicModel {
  return {
    projectId,
    version,
    fittedAtMs: Date.now() - 1000 + version,
    windowFromMs: Date.now() - 24 * HOUR,
    windowToMs: Date.now(),
    sampleSize: 300,
    dimensions: 3,
    noveltyQuantile: 0.99,
    nextTopicNumber: ids.length + 1,
    topics: ids.map((id, i) => ({
      id,
      label: `${id} label`,
      terms: [{ term: `term${i}`, weight: 0.5 }],
      centroid: Float32Array.from([i === 0 ? 1 : 0, i === 1 ? 1 : 0, i > 1 ? 1 : 0]),
      radius: 0.25,
      size: 100 + i,
      examples: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), text: `example of ${id}` }],
    })),
    map: {
      points: [
        { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), topicId: ids[0]!, x: 1, y: -1, text: 'hi' },
      ],
      centroids: [],
    },
  };
}

function assignment(over: Partial<TopicAssignment>): TopicAssignment {
  return {
    projectId: 'p1',
    traceId: 'c'.repeat(32),
    spanId: 'd'.repeat(16),
    field: 'request',
    timeMs: Date.now() - 60_000,
    model: 'gpt-4o-mini',
    release: '1.0.0',
    topicId: 't1',
    modelVersion: 1,
    distance: 0.1,
    novelty: 0.4,
    novel: false,
    ...over,
  };
}

describe('ClickHouseTopicStore', () => {
  let store: ClickHouseTopicStore;
  let reader: ClickHouseTraceReader;
  let writer: ClickHouseSpanWriter;
  let sampling: ClickHouseSamplingRateStore;
  let client: ReturnType<typeof embeddedForTests>['client'];
  let database: string;

  beforeAll(async () => {
    ({ client, database } = embeddedForTests());
    writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
    await writer.start(); // applies every migration, 014 too
    store = new ClickHouseTopicStore(client, database);
    reader = new ClickHouseTraceReader(client, database);
    sampling = new ClickHouseSamplingRateStore(client, database);
  });

  it('keeps model versions per project and reads back the latest, centroids and map included', async () => {
    expect(await store.latestModel('p1')).toBeNull();
    await store.saveModel(model('p1', 1, ['t1', 't2']), [
      { kind: 'created', from: [], into: ['t1'] },
      { kind: 'created', from: [], into: ['t2'] },
    ]);
    await store.saveModel(model('p1', 2, ['t1', 't3', 't4']), [
      { kind: 'continued', from: ['t1'], into: ['t1'] },
      { kind: 'split', from: ['t2'], into: ['t3', 't4'] },
      { kind: 'retired', from: ['t2'], into: [] },
    ]);
    await store.saveModel(model('p2', 7, ['t9']), []);
    const latest = await store.latestModel('p1');
    expect(latest?.version).toBe(2);
    expect(latest?.topics.map((t) => t.id)).toEqual(['t1', 't3', 't4']);
    expect(latest?.topics[1]?.centroid).toEqual(Float32Array.from([0, 1, 0]));
    expect(latest?.topics[0]?.examples[0]?.text).toBe('example of t1');
    expect(latest?.map.points[0]).toMatchObject({ topicId: 't1', x: 1, y: -1 });
    expect((await store.latestModel('p2'))?.version).toBe(7);
    const lineage = await store.lineage('p1', 10);
    expect(lineage.filter((e) => e.version === 2).map((e) => e.kind)).toEqual([
      'continued',
      'retired',
      'split',
    ]);
    expect(lineage.find((e) => e.kind === 'split')).toMatchObject({ from: ['t2'], into: ['t3', 't4'] });
    expect(await store.lineage('p2', 10)).toEqual([]);
  });

  it('replaces a re-assigned call, and counts activity, novel calls and models per topic', async () => {
    const now = Date.now();
    const window = { fromMs: now - 2 * HOUR, toMs: now };
    await store.assign([
      assignment({ spanId: '1'.repeat(16), topicId: 't1', timeMs: now - 90 * 60_000 }),
      assignment({ spanId: '2'.repeat(16), topicId: 't1', model: 'claude' }),
      assignment({ spanId: '3'.repeat(16), topicId: 't2', novel: true, novelty: 1.7, release: '2.0.0' }),
      assignment({ projectId: 'p2', spanId: '4'.repeat(16), topicId: 't1' }),
      assignment({ spanId: '5'.repeat(16), topicId: 't1', novel: true, novelty: 1.2, timeMs: now - 100_000 }),
    ]);
    // A re-fit assigns span 2 again: it moves from t1 to t2.
    await store.assign([
      assignment({ spanId: '2'.repeat(16), topicId: 't2', modelVersion: 2, model: 'claude' }),
    ]);
    const report = await store.activity('p1', window, 3600);
    expect(report.bucketStartsMs).toHaveLength(report.totals.length);
    expect(report.totals.reduce((a, b) => a + b, 0)).toBe(4);
    expect(report.topics.map((t) => [t.topicId, t.calls, t.novelCalls])).toEqual([
      ['t1', 2, 1],
      ['t2', 2, 1],
    ]);
    const t2 = report.topics.find((t) => t.topicId === 't2')!;
    expect(t2.models).toEqual([
      { model: 'claude', calls: 1 },
      { model: 'gpt-4o-mini', calls: 1 },
    ]);
    expect(t2.buckets.reduce((a, b) => a + b, 0)).toBe(2);
    const novel = await store.assignments('p1', window, { novel: true, limit: 10 });
    // Farthest first, whatever the time.
    expect(novel.map((a) => [a.spanId, a.novel, a.novelty])).toEqual([
      ['3'.repeat(16), true, expect.closeTo(1.7, 5)],
      ['5'.repeat(16), true, expect.closeTo(1.2, 5)],
    ]);
    const ofT2 = await store.assignments('p1', window, { topicId: 't2', limit: 10 });
    expect(ofT2.map((a) => a.spanId).sort()).toEqual(['2'.repeat(16), '3'.repeat(16)]);
    expect(await store.breakdown('p1', 't2', window)).toEqual({
      models: [
        { key: 'claude', calls: 1 },
        { key: 'gpt-4o-mini', calls: 1 },
      ],
      releases: [
        { key: '1.0.0', calls: 1 },
        { key: '2.0.0', calls: 1 },
      ],
    });
    expect((await store.activity('p2', window, 3600)).topics.map((t) => t.topicId)).toEqual(['t1']);
  });

  it("weighs each call by its minute's sampling rate in the estimated counts", async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    await sampling.add([{ projectId: 'p4', windowStartMs: minute, seen: 6, embedded: 2 }]);
    await sampling.add([{ projectId: 'p5', windowStartMs: minute + 60_000, seen: 100, embedded: 1 }]);
    await store.assign([
      assignment({ projectId: 'p4', spanId: '6'.repeat(16), topicId: 't1', timeMs: minute + 5_000 }),
      assignment({ projectId: 'p4', spanId: '7'.repeat(16), topicId: 't2', timeMs: minute + 65_000 }),
    ]);
    const report = await store.activity('p4', { fromMs: minute - HOUR, toMs: minute + HOUR }, 600);
    expect(report.topics.map((t) => [t.topicId, t.calls, t.estimatedCalls])).toEqual([
      ['t1', 1, 3],
      ['t2', 1, 1],
    ]);
    expect(report.totals.reduce((a, b) => a + b, 0)).toBe(4);
    // The project's retention deletes its calls' assignments with the spans.
    await new ClickHouseRetentionStore(client, database).deleteSpansOlderThan('p4', 0);
    expect((await store.activity('p4', { fromMs: minute - HOUR, toMs: minute + HOUR }, 600)).topics).toEqual(
      [],
    );
    expect((await store.activity('p1', { fromMs: 0, toMs: Date.now() + HOUR }, 86_400)).topics).not.toEqual(
      [],
    );
  });

  it('reads call messages from the spans and filters and labels the trace list by topic', async () => {
    const refund = spanRecord({
      projectId: 'p3',
      startTimeUnixNano: nanosAgo(30_000),
      llm: llmCall({
        inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'refund please' }] }],
      }),
    });
    const weather = spanRecord({ projectId: 'p3', startTimeUnixNano: nanosAgo(20_000) });
    await writer.insert([refund, weather]);
    const timeOf = (s: typeof refund) => Number(BigInt(s.startTimeUnixNano) / 1_000_000n);
    const messages = await store.callMessages('p3', [
      { spanId: refund.spanId, timeMs: timeOf(refund) },
      { spanId: 'f'.repeat(16), timeMs: timeOf(refund) },
    ]);
    expect([...messages.keys()]).toEqual([refund.spanId]);
    expect(messages.get(refund.spanId)?.inputMessages[0]?.parts[0]).toEqual({
      type: 'text',
      content: 'refund please',
    });
    expect(await store.callMessages('p1', [{ spanId: refund.spanId, timeMs: timeOf(refund) }])).toEqual(
      new Map(),
    );

    await store.assign([
      assignment({
        projectId: 'p3',
        traceId: refund.traceId,
        spanId: refund.spanId,
        timeMs: timeOf(refund),
        topicId: 't5',
      }),
    ]);
    const query = {
      fromMs: Date.now() - HOUR,
      toMs: Date.now() + 1000,
      sort: 'startTime',
      order: 'desc',
      limit: 10,
    } as const;
    const all = await reader.listTraces('p3', query);
    expect(all.items.map((t) => [t.traceId, t.topicId])).toEqual([
      [weather.traceId, null],
      [refund.traceId, 't5'],
    ]);
    const filtered = await reader.listTraces('p3', { ...query, topicId: 't5' });
    expect(filtered.items.map((t) => t.traceId)).toEqual([refund.traceId]);
    expect((await reader.listTraces('p1', { ...query, topicId: 't5' })).items).toEqual([]);
  });

  it('lets one claimant hold a project fit lease at a time', async () => {
    expect(await store.claimFit('p1', 'a', 60_000)).toBe(true);
    expect(await store.claimFit('p1', 'b', 60_000)).toBe(false);
    expect(await store.claimFit('p1', 'a', 60_000)).toBe(true);
    expect(await store.claimFit('p2', 'b', 60_000)).toBe(true);
  });
});
