import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { ClickHouseSamplingRateStore } from './sampling-rate-store.js';
import { embeddedForTests } from './test-support.js';

describe('ClickHouseSamplingRateStore', () => {
  it('adds counts per project and window, and reads them back summed in time order', async () => {
    const { client, database } = embeddedForTests();
    await migrate(client, { database, retentionDays: 30 });
    const store = new ClickHouseSamplingRateStore(client, database);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await store.add([
      { projectId: 'p1', windowStartMs: minute, seen: 10, embedded: 4 },
      { projectId: 'p1', windowStartMs: minute - 60_000, seen: 3, embedded: 3 },
      { projectId: 'p2', windowStartMs: minute, seen: 99, embedded: 1 },
    ]);
    await store.add([{ projectId: 'p1', windowStartMs: minute, seen: 5, embedded: 1 }]); // a later flush
    await store.add([]);
    expect(await store.windows('p1', minute - 120_000, minute + 60_000)).toEqual([
      { projectId: 'p1', windowStartMs: minute - 60_000, seen: 3, embedded: 3 },
      { projectId: 'p1', windowStartMs: minute, seen: 15, embedded: 5 },
    ]);
    expect(await store.windows('p1', minute, minute + 1)).toHaveLength(1);
    expect(await store.windows('p3', 0, minute + 60_000)).toEqual([]);
  });
});
