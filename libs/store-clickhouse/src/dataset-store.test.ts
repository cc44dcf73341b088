import type { DatasetItem, ReviewQueue } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseDatasetStore } from './dataset-store.js';
import { ClickHouseReviewStore } from './review-store.js';
import { embeddedForTests } from './test-support.js';

async function fresh() {
  const { client, database } = embeddedForTests();
  await new ClickHouseSpanWriter(client, { database, retentionDays: 30 }).start();
  return {
    // Pages of 7: paging is exercised with a few items.
    datasets: new ClickHouseDatasetStore(client, database, 7),
    review: new ClickHouseReviewStore(client, database),
  };
}

async function* itemsOf(n: number, tag: string): AsyncIterable<Omit<DatasetItem, 'position'>> {
  for (let i = 0; i < n; i++)
    yield {
      traceId: i.toString(16).padStart(32, '0'),
      spanId: '',
      input: [{ role: 'user', content: `${tag} question ${i}` }],
      expected: `${tag} answer ${i}`,
      metadata: { i, tag },
    };
}

const meta = { source: { queueIds: ['q_1'], approvedLabels: [] }, note: '', createdBy: 'ada' };

describe('ClickHouseDatasetStore on chDB', () => {
  it('numbers versions, keeps each one as written, and pages items in order', async () => {
    const { datasets } = await fresh();
    const dataset = {
      datasetId: 'ds_1',
      projectId: 'p',
      name: 'refunds',
      description: '',
      createdAt: new Date().toISOString(),
      createdBy: 'ada',
    };
    await datasets.createDataset(dataset);
    expect(await datasets.getDataset('p', 'ds_1')).toEqual(dataset);
    expect(await datasets.getDataset('other', 'ds_1')).toBeNull();
    const [v1, v2] = await Promise.all([
      datasets.createVersion('p', 'ds_1', itemsOf(25, 'one'), meta),
      datasets.createVersion('p', 'ds_1', itemsOf(3, 'two'), meta),
    ]);
    expect([v1.version, v1.itemCount, v2.version, v2.itemCount]).toEqual([1, 25, 2, 3]);
    expect((await datasets.listVersions('p', 'ds_1')).map((v) => v.version)).toEqual([1, 2]);
    const page = await datasets.items('p', 'ds_1', v1, 6, 3);
    expect(page.map((i) => [i.position, i.expected, i.metadata])).toEqual([
      [6, 'one answer 6', { i: 6, tag: 'one' }],
      [7, 'one answer 7', { i: 7, tag: 'one' }],
      [8, 'one answer 8', { i: 8, tag: 'one' }],
    ]);
    // Never past the published count.
    expect(await datasets.items('p', 'ds_1', v2, 0, 100)).toHaveLength(3);
    expect((await datasets.items('p', 'ds_1', v1, 23, 100)).map((i) => i.position)).toEqual([23, 24]);
  });

  it('reads judged review items with their latest correction, page by page', async () => {
    const { datasets, review } = await fresh();
    const queue: ReviewQueue = {
      queueId: 'q_1',
      projectId: 'p',
      name: 'q',
      description: '',
      rule: { kind: 'manual' },
      assignment: 'claim',
      reviewers: [],
      judgementsPerItem: 2,
      createdAt: new Date().toISOString(),
      createdBy: 'admin',
    };
    await review.createQueue(queue);
    const traces = Array.from({ length: 20 }, (_, i) => ({ traceId: i.toString(16).padStart(32, 'a') }));
    const { itemIds } = await review.addItems(queue, traces, 'admin');
    const judge = (i: number, who: string, corrected: string, label = 'ok') =>
      review.judge(queue, itemIds[i]!, who, { scores: {}, label, correctedAnswer: corrected, comment: '' });
    await judge(0, 'ada', 'first fix');
    await judge(0, 'bob', '', 'bad');
    await judge(1, 'bob', '');
    for (let i = 2; i < 20; i += 1) await judge(i, 'ada', '');
    const read = [];
    for await (const item of datasets.reviewedItems('p', ['q_1'])) read.push(item);
    expect(read).toHaveLength(20);
    const first = read.find((r) => r.itemId === itemIds[0]);
    expect(first).toMatchObject({ traceId: traces[0]!.traceId, corrected: 'first fix' });
    expect([...(first?.labels ?? [])].sort()).toEqual(['bad', 'ok']);
    expect(read.find((r) => r.itemId === itemIds[1])?.corrected).toBe('');
    expect([] as unknown[]).toEqual(
      await (async () => {
        const none = [];
        for await (const item of datasets.reviewedItems('other', ['q_1'])) none.push(item);
        return none;
      })(),
    );
  });
});
