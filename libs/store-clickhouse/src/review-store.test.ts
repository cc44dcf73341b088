import { spanRecord } from '@driftwatch/contract-tests';
import type { ReviewQueue } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { CLAIM_EXPIRY_MS, ClickHouseReviewStore } from './review-store.js';
import { embeddedForTests } from './test-support.js';

async function fresh() {
  const { client, database } = embeddedForTests();
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  return Object.assign(new ClickHouseReviewStore(client, database), { writer });
}

const queue = (overrides: Partial<ReviewQueue> = {}): ReviewQueue => ({
  queueId: 'q1',
  projectId: 'p',
  name: 'refunds',
  description: '',
  rule: { kind: 'manual' },
  assignment: 'claim',
  reviewers: [],
  judgementsPerItem: 1,
  createdAt: new Date().toISOString(),
  createdBy: 'admin',
  ...overrides,
});
const trace = (n: number) => n.toString(16).padStart(32, '0');
const judgement = (label: string) => ({ scores: { stars: 4 }, label, correctedAnswer: '', comment: '' });

describe('ClickHouseReviewStore on chDB', () => {
  it('adds a trace once, hands each reviewer a different item, and stores a double-submitted judgement once', async () => {
    const store = await fresh();
    const q = queue();
    await store.createQueue(q);
    expect(await store.getQueue('p', 'q1')).toEqual(q);
    expect(await store.getQueue('other', 'q1')).toBeNull();
    expect((await store.addItems(q, [{ traceId: trace(1) }, { traceId: trace(2) }], 'ada')).added).toBe(2);
    expect((await store.addItems(q, [{ traceId: trace(1) }, { traceId: trace(3) }], 'ada')).added).toBe(1);
    const now = Date.now();
    const [a, b] = await Promise.all([store.next(q, 'ada', now), store.next(q, 'bob', now)]);
    expect(new Set([a?.traceId, b?.traceId])).toEqual(new Set([trace(1), trace(2)]));
    // Asking again gives the same held item.
    expect((await store.next(q, 'ada', now))?.itemId).toBe(a?.itemId);
    const first = await store.judge(q, a!.itemId, 'ada', judgement('correct'));
    const again = await store.judge(q, a!.itemId, 'ada', judgement('correct'));
    expect([first.changed, again.changed]).toEqual([true, false]);
    expect(await store.judgements('p', 'q1', 100)).toHaveLength(1);
    // ada's next is the third item; bob still holds his.
    expect((await store.next(q, 'ada', now))?.traceId).toBe(trace(3));
    expect(await store.next(q, 'carol', now)).toBeNull();
    // A claim left alone past its expiry is free again.
    expect((await store.next(q, 'carol', now + CLAIM_EXPIRY_MS + 1000))?.itemId).toBeDefined();
    expect(await store.progress(q)).toEqual({ items: 3, done: 1, judgements: 1, byReviewer: { ada: 1 } });
    expect(
      (await store.listItems('p', 'q1', { status: 'done', limit: 10, offset: 0 })).map((i) => i.traceId),
    ).toEqual([trace(1)]);
    // Changing one's mind replaces the judgement.
    const edited = await store.judge(q, a!.itemId, 'ada', judgement('wrong'));
    expect(edited.changed).toBe(true);
    expect((await store.judgements('p', 'q1', 100)).map((j) => j.label)).toEqual(['wrong']);
  });

  it('round robin assigns each item to reviewers in turn, two per item when two judgements are wanted', async () => {
    const store = await fresh();
    const q = queue({
      queueId: 'rr',
      assignment: 'round_robin',
      reviewers: ['ada', 'bob', 'carol'],
      judgementsPerItem: 2,
    });
    await store.createQueue(q);
    await store.addItems(
      q,
      [1, 2, 3].map((n) => ({ traceId: trace(n) })),
      'admin',
    );
    const items = await store.listItems('p', 'rr', { limit: 10, offset: 0 });
    expect(items.map((i) => [...i.holders].sort())).toEqual(
      expect.arrayContaining([
        ['ada', 'bob'],
        ['bob', 'carol'],
        ['ada', 'carol'],
      ]),
    );
    const adaFirst = await store.next(q, 'ada', Date.now());
    expect(adaFirst?.holders).toContain('ada');
    await store.judge(q, adaFirst!.itemId, 'ada', judgement('correct'));
    const adaSecond = await store.next(q, 'ada', Date.now());
    expect(adaSecond?.itemId).not.toBe(adaFirst?.itemId);
    await store.judge(q, adaSecond!.itemId, 'ada', judgement('correct'));
    // Round robin: nothing beyond what was assigned.
    expect(await store.next(q, 'ada', Date.now())).toBeNull();
  });

  it('samples traces by a hash of their id, the same sample every time', async () => {
    const store = await fresh();
    const spans = Array.from({ length: 200 }, () => spanRecord({ projectId: 'p' }));
    await store.writer.insert([...spans, spanRecord({ projectId: 'other' })]);
    const range = [Date.now() - 3_600_000, Date.now() + 60_000] as const;
    expect(await store.sampleTraces('p', ...range, 1, 1000)).toHaveLength(200);
    expect(await store.sampleTraces('p', ...range, 0, 1000)).toEqual([]);
    const half = await store.sampleTraces('p', ...range, 0.5, 1000);
    expect(half.length).toBeGreaterThan(60);
    expect(half.length).toBeLessThan(140);
    expect(await store.sampleTraces('p', ...range, 0.5, 1000)).toEqual(half);
    expect(await store.sampleTraces('p', ...range, 1, 7)).toHaveLength(7);
  });
});
