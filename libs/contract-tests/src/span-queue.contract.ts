import type { DeadLetterSink, QueueDelivery, SpanQueue, SpanRecord } from '@driftwatch/contracts';
import {
  deadlineIn,
  PermanentError,
  RetryableError,
  SaturatedError,
  UnavailableError,
} from '@driftwatch/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { spanRecord } from './span-fixtures.js';

export interface QueueFactoryOptions {
  capacity: number;
  deadLetters: DeadLetterSink;
}

export class RecordingDeadLetters implements DeadLetterSink {
  readonly entries: Array<{ records: readonly SpanRecord[]; reason: string }> = [];
  async put(records: readonly SpanRecord[], reason: string): Promise<void> {
    this.entries.push({ records, reason });
  }
}

/** Collects deliveries so a test decides when and how each is acked. */
class ManualConsumer {
  readonly deliveries: QueueDelivery[] = [];
  private waiters: Array<() => void> = [];
  deliver(delivery: QueueDelivery): void {
    this.deliveries.push(delivery);
    for (const w of this.waiters.splice(0)) w();
  }
  async next(index: number): Promise<QueueDelivery> {
    while (this.deliveries.length <= index) await new Promise<void>((r) => this.waiters.push(r));
    return this.deliveries[index] as QueueDelivery;
  }
}

async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const NOTHING_DEAD_LETTERED = { deadLettered: [] };

const settled = async (p: Promise<unknown>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setTimeout(r, 30));
  return state;
};

export interface QueueCapabilities {
  /**
   * True when the queue itself is not durable, so offer() must wait for the consumer's ack (in-process);
   * false when offer() resolves once the brokers hold the records (Kafka).
   */
  offerWaitsForAck: boolean;
}

/** The SpanQueue contract; every adapter runs it. */
export function spanQueueContract(
  name: string,
  capabilities: QueueCapabilities,
  create: (options: QueueFactoryOptions) => Promise<SpanQueue>,
): void {
  describe(`SpanQueue contract: ${name}`, () => {
    const queues: SpanQueue[] = [];
    const make = async (capacity = 1000) => {
      const deadLetters = new RecordingDeadLetters();
      const queue = await create({ capacity, deadLetters });
      queues.push(queue);
      const consumer = new ManualConsumer();
      await queue.start();
      queue.subscribe(consumer);
      return { queue, consumer, deadLetters };
    };
    afterEach(async () => {
      for (const q of queues.splice(0)) await q.shutdown(deadlineIn(2000));
    });

    it('hands the records over intact and resolves offer() once they are durable', async () => {
      const { queue, consumer } = await make();
      const records = [spanRecord(), spanRecord()];
      const offered = queue.offer(records);
      const delivery = await consumer.next(0);
      expect(delivery.records.map((r) => r.spanId).sort()).toEqual(records.map((r) => r.spanId).sort());
      expect(delivery.records[0]).toEqual(records.find((r) => r.spanId === delivery.records[0]?.spanId));
      if (capabilities.offerWaitsForAck) expect(await settled(offered)).toBe('pending');
      delivery.ack();
      await expect(offered).resolves.toEqual(NOTHING_DEAD_LETTERED);
    });

    it('redelivers a batch that failed with a retryable error', async () => {
      const { queue, consumer } = await make();
      const offered = queue.offer([spanRecord()]);
      (await consumer.next(0)).fail(new RetryableError('store down'));
      const again = await consumer.next(1);
      expect(again.records).toHaveLength(1);
      again.ack();
      await expect(offered).resolves.toEqual(NOTHING_DEAD_LETTERED);
    });

    it('dead-letters a batch that failed permanently, with the reason', async () => {
      const { queue, consumer, deadLetters } = await make();
      const record = spanRecord();
      const offered = queue.offer([record]);
      (await consumer.next(0)).fail(new PermanentError('column type mismatch'));
      // An in-process queue answers after the store did, so it can say the span was not stored.
      await expect(offered).resolves.toEqual(
        capabilities.offerWaitsForAck
          ? { deadLettered: [{ spanId: record.spanId, reason: 'column type mismatch' }] }
          : NOTHING_DEAD_LETTERED,
      );
      await eventually(() => deadLetters.entries.length === 1);
      expect(deadLetters.entries[0]?.reason).toContain('column type mismatch');
      expect(deadLetters.entries[0]?.records[0]?.spanId).toBe(record.spanId);
    });

    it('dead-letters only the records an ack rejects, each with its reason; the others count as stored', async () => {
      const { queue, consumer, deadLetters } = await make();
      const [a, b, c, d] = [spanRecord(), spanRecord(), spanRecord(), spanRecord()];
      const offered = queue.offer([a, b, c, d]);
      const delivery = await consumer.next(0);
      const byId = new Map(delivery.records.map((r) => [r.spanId, r]));
      delivery.ack([
        { record: byId.get(b.spanId) as SpanRecord, reason: 'lone surrogate in a string' },
        { record: byId.get(d.spanId) as SpanRecord, reason: 'start time out of range' },
      ]);
      const result = await offered;
      if (capabilities.offerWaitsForAck) {
        expect([...result.deadLettered].sort((x, y) => x.reason.localeCompare(y.reason))).toEqual([
          { spanId: b.spanId, reason: 'lone surrogate in a string' },
          { spanId: d.spanId, reason: 'start time out of range' },
        ]);
      } else {
        expect(result).toEqual(NOTHING_DEAD_LETTERED);
      }
      await eventually(() => deadLetters.entries.length === 2);
      const dead = deadLetters.entries
        .flatMap((e) => e.records.map((r) => `${r.spanId}: ${e.reason}`))
        .sort();
      expect(dead).toEqual(
        [`${b.spanId}: lone surrogate in a string`, `${d.spanId}: start time out of range`].sort(),
      );
      expect(queue.stats().depth).toBe(0);
    });

    it('says it is ready once started with a consumer, and why not after shutdown', async () => {
      const { queue } = await make();
      await eventually(() => queue.isReady());
      expect(await queue.readiness()).toEqual({ ready: true });
      await queue.shutdown(deadlineIn(1000));
      const after = await queue.readiness();
      expect(after.ready).toBe(false);
      expect(after.reason).toMatch(/\w/);
    });

    it('pushes back past its capacity without accepting part of a batch, and frees room on ack', async () => {
      const { queue, consumer } = await make(3);
      const first = queue.offer([spanRecord(), spanRecord()]);
      await expect(queue.offer([spanRecord(), spanRecord()])).rejects.toBeInstanceOf(SaturatedError);
      expect(queue.stats()).toEqual({ depth: 2, capacity: 3 });
      (await consumer.next(0)).ack();
      await first;
      expect(queue.stats().depth).toBe(0);
      const second = queue.offer([spanRecord(), spanRecord(), spanRecord()]);
      (await consumer.next(1)).ack();
      await expect(second).resolves.toEqual(NOTHING_DEAD_LETTERED);
    });

    it('refuses offers after shutdown; shutdown is safe to repeat', async () => {
      const { queue } = await make();
      await queue.shutdown(deadlineIn(1000));
      await queue.shutdown(deadlineIn(1000));
      await expect(queue.offer([spanRecord()])).rejects.toBeInstanceOf(UnavailableError);
      expect(queue.isReady()).toBe(false);
    });

    it('shutdown is safe without start', async () => {
      const queue = await create({ capacity: 10, deadLetters: new RecordingDeadLetters() });
      await expect(queue.shutdown(deadlineIn(500))).resolves.toBeUndefined();
    });

    // Only an in-process queue holds unacked batches in memory; a broker keeps them across a shutdown.
    if (capabilities.offerWaitsForAck) {
      it('fails, never loses, a batch unacked at the shutdown deadline', async () => {
        const { queue, consumer } = await make();
        const offered = queue.offer([spanRecord()]);
        await consumer.next(0);
        await queue.shutdown(deadlineIn(50));
        await expect(offered).rejects.toBeInstanceOf(UnavailableError);
      });
    }
  });
}
