import { spanRecord } from '@driftwatch/contract-tests';
import type { QueueDelivery, SpanRecord, SpanWriter } from '@driftwatch/contracts';
import { deadlineIn, PermanentError, RetryableError } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { BatchingWriter } from './batching-writer.js';

/** A store whose next failures a test scripts; it records each insert it accepted. */
class ScriptedStore implements SpanWriter {
  readonly inserts: SpanRecord[][] = [];
  failures: Error[] = [];
  poison = new Set<string>();
  async start(): Promise<void> {}
  async shutdown(): Promise<void> {}
  async isReady(): Promise<boolean> {
    return true;
  }
  async insert(records: readonly SpanRecord[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (records.some((r) => this.poison.has(r.spanId))) throw new PermanentError('cannot parse column');
    this.inserts.push([...records]);
  }
}

function delivery(records: SpanRecord[]) {
  const outcome: { acked: boolean; failed: unknown } = { acked: false, failed: undefined };
  const d: QueueDelivery = {
    records,
    ack: () => (outcome.acked = true),
    fail: (e) => (outcome.failed = e),
  };
  return { d, outcome };
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('BatchingWriter', () => {
  it('groups deliveries into one insert and acks each after it', async () => {
    const store = new ScriptedStore();
    const writer = new BatchingWriter(store, { maxBatchRecords: 100, maxWaitMs: 20 });
    const a = delivery([spanRecord()]);
    const b = delivery([spanRecord(), spanRecord()]);
    writer.deliver(a.d);
    writer.deliver(b.d);
    expect(a.outcome.acked).toBe(false);
    await until(() => a.outcome.acked && b.outcome.acked);
    expect(store.inserts.map((i) => i.length)).toEqual([3]);
  });

  it('flushes as soon as the size limit is reached, without waiting for the timer', async () => {
    const store = new ScriptedStore();
    const writer = new BatchingWriter(store, { maxBatchRecords: 2, maxWaitMs: 60_000 });
    const a = delivery([spanRecord(), spanRecord()]);
    writer.deliver(a.d);
    await until(() => a.outcome.acked, 500);
  });

  it('retries a retryable failure until it succeeds, acking nothing before', async () => {
    const store = new ScriptedStore();
    store.failures = [new RetryableError('down'), new RetryableError('still down')];
    const writer = new BatchingWriter(store, {
      maxBatchRecords: 100,
      maxWaitMs: 1,
      retryDelayMs: { initial: 5, max: 10 },
    });
    const a = delivery([spanRecord()]);
    writer.deliver(a.d);
    await until(() => a.outcome.acked);
    expect(store.inserts).toHaveLength(1);
    expect(a.outcome.failed).toBeUndefined();
  });

  it('isolates a poison delivery by splitting, storing its neighbours', async () => {
    const store = new ScriptedStore();
    const bad = spanRecord();
    store.poison.add(bad.spanId);
    const writer = new BatchingWriter(store, { maxBatchRecords: 100, maxWaitMs: 20 });
    const parts = [
      delivery([spanRecord()]),
      delivery([bad]),
      delivery([spanRecord()]),
      delivery([spanRecord()]),
    ];
    for (const p of parts) writer.deliver(p.d);
    await until(() => parts.every((p) => p.outcome.acked || p.outcome.failed));
    expect(parts.map((p) => p.outcome.acked)).toEqual([true, false, true, true]);
    expect(parts[1]!.outcome.failed).toBeInstanceOf(PermanentError);
    expect(store.inserts.flat()).toHaveLength(3);
  });

  it('flushes what it holds on shutdown', async () => {
    const store = new ScriptedStore();
    const writer = new BatchingWriter(store, { maxBatchRecords: 100, maxWaitMs: 60_000 });
    const a = delivery([spanRecord()]);
    writer.deliver(a.d);
    await writer.shutdown(deadlineIn(1000));
    expect(a.outcome.acked).toBe(true);
  });
});
