import { spanRecord } from '@driftwatch/contract-tests';
import type { QueueDelivery, RejectedRecord, SpanRecord, SpanWriter } from '@driftwatch/contracts';
import { deadlineIn, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { BatchingWriter, type BatchingWriterOptions } from './batching-writer.js';

/**
 * A store that refuses what a test tells it to: specific spans (with a given error), every insert while
 * `down` is set, or inserts above a size. It keeps each insert it accepted and counts every attempt.
 */
class ScriptedStore implements SpanWriter {
  readonly inserts: SpanRecord[][] = [];
  attempts = 0;
  readonly attemptSizes: number[] = [];
  failures: Error[] = [];
  down: Error | null = null;
  poison = new Map<string, () => Error>();
  maxRecordsPerInsert = Infinity;
  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}
  async isReady(): Promise<boolean> {
    return this.down === null;
  }
  async insert(records: readonly SpanRecord[]): Promise<void> {
    this.attempts += 1;
    this.attemptSizes.push(records.length);
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.down) throw this.down;
    if (records.length > this.maxRecordsPerInsert) {
      throw new PermanentError('Code: 252. Too many partitions for single INSERT block (more than 100)');
    }
    const bad = records.find((r) => this.poison.has(r.spanId));
    if (bad) throw (this.poison.get(bad.spanId) as () => Error)();
    this.inserts.push([...records]);
  }
  stored(): string[] {
    return this.inserts.flat().map((r) => r.spanId);
  }
}

function delivery(records: SpanRecord[]) {
  const outcome: { acked: boolean; rejected: readonly RejectedRecord[]; failed: unknown } = {
    acked: false,
    rejected: [],
    failed: undefined,
  };
  const d: QueueDelivery = {
    records,
    ack: (rejected = []) => {
      outcome.acked = true;
      outcome.rejected = rejected;
    },
    fail: (e) => (outcome.failed = e),
  };
  return { d, outcome, ids: records.map((r) => r.spanId) };
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const fast: Partial<BatchingWriterOptions> = { maxWaitMs: 1, retryDelayMs: { initial: 2, max: 10 } };
const writerOn = (store: ScriptedStore, options: Partial<BatchingWriterOptions> = {}) =>
  new BatchingWriter(store, { maxBatchRecords: 100, maxWaitMs: 20, ...options });
const spans = (n: number) => Array.from({ length: n }, () => spanRecord());

describe('BatchingWriter', () => {
  it('groups deliveries into one insert and acks each after it, rejecting nothing', async () => {
    const store = new ScriptedStore();
    const writer = writerOn(store);
    const a = delivery(spans(1));
    const b = delivery(spans(2));
    writer.deliver(a.d);
    writer.deliver(b.d);
    expect(a.outcome.acked).toBe(false);
    await until(() => a.outcome.acked && b.outcome.acked);
    expect(store.inserts.map((i) => i.length)).toEqual([3]);
    expect([a.outcome.rejected, b.outcome.rejected]).toEqual([[], []]);
  });

  it('flushes as soon as the size limit is reached, without waiting for the timer', async () => {
    const store = new ScriptedStore();
    const writer = writerOn(store, { maxBatchRecords: 2, maxWaitMs: 60_000 });
    const a = delivery(spans(2));
    writer.deliver(a.d);
    await until(() => a.outcome.acked, 500);
  });

  it('narrows a refused batch down to the one span inside a delivery and dead-letters only it', async () => {
    const store = new ScriptedStore();
    const records = spans(40);
    const bad = records[23] as SpanRecord;
    store.poison.set(bad.spanId, () => new PermanentError('Code: 25. Cannot parse escape sequence'));
    const writer = writerOn(store, fast);
    const before = delivery(spans(5));
    const big = delivery(records);
    const after = delivery(spans(5));
    for (const p of [before, big, after]) writer.deliver(p.d);
    await until(() => [before, big, after].every((p) => p.outcome.acked));
    expect(big.outcome.rejected).toEqual([
      { record: bad, reason: expect.stringContaining('Cannot parse escape sequence') as string },
    ]);
    expect(before.outcome.rejected).toEqual([]);
    expect(after.outcome.rejected).toEqual([]);
    const expected = [...before.ids, ...big.ids, ...after.ids].filter((id) => id !== bad.spanId);
    expect(store.stored().sort()).toEqual(expected.sort());
    expect([before, big, after].some((p) => p.outcome.failed)).toBe(false);
  });

  it('isolates a span refused with an unexplained (retryable) error after a few attempts', async () => {
    const store = new ScriptedStore();
    const records = spans(16);
    const bad = records[3] as SpanRecord;
    store.poison.set(bad.spanId, () => new RetryableError('insert failed: Code: 1002. something odd'));
    const writer = writerOn(store, { ...fast, attemptsBeforeIsolating: 3 });
    const d = delivery(records);
    writer.deliver(d.d);
    await until(() => d.outcome.acked);
    expect(d.outcome.rejected.map((r) => r.record.spanId)).toEqual([bad.spanId]);
    expect(d.outcome.rejected[0]?.reason).toMatch(/kept refusing this span.*something odd/);
    expect(store.stored().sort()).toEqual(d.ids.filter((id) => id !== bad.spanId).sort());
  });

  it('dead-letters a lone refused span once the store takes spans that arrive after it', async () => {
    const store = new ScriptedStore();
    const [bad] = spans(1) as [SpanRecord];
    store.poison.set(bad.spanId, () => new RetryableError('Code: 1002. odd'));
    const writer = writerOn(store, { ...fast, attemptsBeforeIsolating: 2 });
    const lone = delivery([bad]);
    writer.deliver(lone.d);
    await until(() => store.attempts >= 4);
    // Alone it could be the store that is broken: nothing is dead-lettered on that evidence.
    expect(lone.outcome.acked).toBe(false);
    expect(writer.health().ready).toBe(false);
    const next = delivery(spans(3));
    writer.deliver(next.d);
    await until(() => lone.outcome.acked && next.outcome.acked);
    expect(lone.outcome.rejected.map((r) => r.record.spanId)).toEqual([bad.spanId]);
    expect(store.stored().sort()).toEqual([...next.ids].sort());
    expect(writer.health()).toMatchObject({ ready: true, consecutiveFailures: 0 });
  });

  it('retries an unavailable store for as long as it takes, reporting stalled, dead-lettering nothing', async () => {
    const store = new ScriptedStore();
    store.down = new UnavailableError('connect ECONNREFUSED 127.0.0.1:8123');
    const writer = writerOn(store, { ...fast, stalledAfterFailures: 3, attemptsBeforeIsolating: 1 });
    const a = delivery(spans(4));
    const b = delivery(spans(4));
    writer.deliver(a.d);
    writer.deliver(b.d);
    await until(() => store.attempts >= 20);
    const health = writer.health();
    expect(health.ready).toBe(false);
    expect(health.reason).toMatch(/writer stalled: \d+ failed inserts in a row: connect ECONNREFUSED/);
    expect(health.oldestUnstoredMs).not.toBeNull();
    // Every attempt is the whole batch: an unavailable store is never a reason to split or dead-letter.
    expect(new Set(store.attemptSizes)).toEqual(new Set([8]));
    expect(a.outcome.acked || b.outcome.acked).toBe(false);
    store.down = null;
    await until(() => a.outcome.acked && b.outcome.acked);
    expect([a.outcome.rejected, b.outcome.rejected]).toEqual([[], []]);
    expect(store.stored()).toHaveLength(8);
    expect(writer.health()).toMatchObject({ ready: true, oldestUnstoredMs: null, lastError: null });
  });

  it('waits instead of dead-lettering when the store refuses everything with an unexplained error', async () => {
    const store = new ScriptedStore();
    store.down = new RetryableError('Code: 1002. unknown failure of every insert');
    const writer = writerOn(store, { ...fast, attemptsBeforeIsolating: 2 });
    const d = delivery(spans(8));
    writer.deliver(d.d);
    await until(() => store.attempts >= 60);
    expect(d.outcome.acked).toBe(false);
    expect(writer.health().ready).toBe(false);
    store.down = null;
    await until(() => d.outcome.acked);
    expect(d.outcome.rejected).toEqual([]);
    expect(store.stored().sort()).toEqual([...d.ids].sort());
  });

  it('splits a batch the store refuses for its size (too many partitions) until every span is stored', async () => {
    const store = new ScriptedStore();
    store.maxRecordsPerInsert = 3;
    const writer = writerOn(store, fast);
    const parts = [delivery(spans(5)), delivery(spans(1)), delivery(spans(7))];
    for (const p of parts) writer.deliver(p.d);
    await until(() => parts.every((p) => p.outcome.acked));
    expect(parts.flatMap((p) => p.outcome.rejected)).toEqual([]);
    expect(store.stored().sort()).toEqual(parts.flatMap((p) => p.ids).sort());
  });

  it('fails (for redelivery) what an unavailable store still holds at the shutdown deadline', async () => {
    const store = new ScriptedStore();
    store.down = new UnavailableError('Timeout error.');
    const writer = writerOn(store, fast);
    const a = delivery(spans(2));
    writer.deliver(a.d);
    await until(() => store.attempts >= 2);
    await writer.shutdown(deadlineIn(50));
    await until(() => a.outcome.failed !== undefined);
    expect(a.outcome.failed).toBeInstanceOf(UnavailableError);
    expect(a.outcome.acked).toBe(false);
  });

  it('flushes what it holds on shutdown', async () => {
    const store = new ScriptedStore();
    const writer = writerOn(store, { maxWaitMs: 60_000 });
    const a = delivery(spans(1));
    writer.deliver(a.d);
    await writer.shutdown(deadlineIn(1000));
    expect(a.outcome.acked).toBe(true);
  });
});
