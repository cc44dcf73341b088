import { RecordingDeadLetters, spanQueueContract, spanRecord } from '@driftwatch/contract-tests';
import type { QueueConsumer, QueueDelivery, SpanRecord } from '@driftwatch/contracts';
import { deadlineIn, isRetryable, PermanentError, UnavailableError } from '@driftwatch/contracts';
import {
  DLQ_REASON_HEADER,
  DLQ_SOURCE_HEADER,
  KafkaSpanQueue,
  type KafkaSpanQueueOptions,
} from '@driftwatch/queue-kafka';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  brokers,
  committedOffset,
  committedOffsetOf,
  eventually,
  header,
  produceRaw,
  readTopic,
  requireBroker,
  unique,
} from './kafka-broker.js';

beforeAll(requireBroker, 10_000);

const queues: KafkaSpanQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.shutdown(deadlineIn(2_000))));
});

function makeQueue(overrides: Partial<KafkaSpanQueueOptions> = {}): KafkaSpanQueue {
  const queue = new KafkaSpanQueue({
    bootstrapBrokers: brokers,
    topic: unique('spans'),
    groupId: unique('writers'),
    capacity: 1_000,
    partitions: 1,
    redeliveryDelayMs: { initial: 20, max: 100 },
    ...overrides,
  });
  queues.push(queue);
  return queue;
}

/** Keeps every delivery so the test decides when (and whether) to ack. */
class Deliveries implements QueueConsumer {
  readonly all: QueueDelivery[] = [];
  constructor(private readonly autoAck = false) {}
  deliver(delivery: QueueDelivery): void {
    this.all.push(delivery);
    if (this.autoAck) delivery.ack();
  }
  records(): SpanRecord[] {
    return this.all.flatMap((d) => d.records);
  }
  async waitForRecords(count: number): Promise<SpanRecord[]> {
    return eventually(() => (this.records().length >= count ? this.records() : undefined));
  }
}

spanQueueContract('kafka', { offerWaitsForAck: false }, async ({ capacity, deadLetters }) =>
  makeQueue({ capacity, deadLetters }),
);

describe('KafkaSpanQueue on a real broker', () => {
  it('commits nothing for unacked deliveries: a new group member gets the records again', async () => {
    const topic = unique('spans');
    const groupId = unique('writers');
    const records = [spanRecord(), spanRecord(), spanRecord()];
    const first = makeQueue({ topic, groupId });
    const neverAcks = new Deliveries();
    await first.start();
    first.subscribe(neverAcks);
    await first.offer(records);
    await neverAcks.waitForRecords(3);
    await first.shutdown(deadlineIn(300));
    expect(await committedOffset(groupId, topic)).toBe(-1n);

    const second = makeQueue({ topic, groupId });
    const acks = new Deliveries(true);
    await second.start();
    second.subscribe(acks);
    const again = await acks.waitForRecords(3);
    expect(again.map((r) => r.spanId).sort()).toEqual(records.map((r) => r.spanId).sort());
    await eventually(async () => ((await committedOffset(groupId, topic)) === 3n ? true : undefined));
  });

  it('commits in offset order when acks arrive out of order', async () => {
    const topic = { topic: unique('spans'), groupId: unique('writers') };
    const queue = makeQueue({ ...topic, maxDeliveryRecords: 1 });
    const deliveries = new Deliveries();
    await queue.start();
    queue.subscribe(deliveries);
    for (const record of [spanRecord(), spanRecord(), spanRecord()]) await queue.offer([record]);
    await deliveries.waitForRecords(3);
    const [d0, d1, d2] = deliveries.all as [QueueDelivery, QueueDelivery, QueueDelivery];
    d2.ack();
    d1.ack();
    await new Promise((r) => setTimeout(r, 500));
    expect(await committedOffset(topic.groupId, topic.topic)).toBe(-1n);
    expect(queue.consumerStats()?.unackedRecords).toBe(1);
    d0.ack();
    await eventually(async () =>
      (await committedOffset(topic.groupId, topic.topic)) === 3n ? true : undefined,
    );
    expect(queue.consumerStats()?.unackedRecords).toBe(0);
  });

  it('dead-letters undecodable messages with the reason, without blocking their neighbours', async () => {
    const topic = unique('spans');
    const groupId = unique('writers');
    const queue = makeQueue({ topic, groupId });
    const deliveries = new Deliveries(true);
    await queue.start();
    const before = spanRecord();
    const after = spanRecord();
    await queue.offer([before]);
    await produceRaw(topic, [
      Buffer.from('{"this is": not json'),
      Buffer.from(JSON.stringify({ spanId: 42 })),
    ]);
    await queue.offer([after]);
    queue.subscribe(deliveries);

    const delivered = await deliveries.waitForRecords(2);
    expect(delivered.map((r) => r.spanId)).toEqual([before.spanId, after.spanId]);
    const dead = await readTopic(`${topic}.dlq`, 2);
    expect(dead.map((m) => m.value.toString())).toEqual(['{"this is": not json', '{"spanId":42}']);
    expect(header(dead[0] as never, DLQ_REASON_HEADER)).toMatch(/^undecodable: invalid JSON/);
    expect(header(dead[1] as never, DLQ_REASON_HEADER)).toMatch(/^undecodable: not a SpanRecord/);
    expect(header(dead[0] as never, DLQ_SOURCE_HEADER)).toBe(`${topic}/0@1`);
    await eventually(async () => ((await committedOffset(groupId, topic)) === 4n ? true : undefined));
  });

  it('dead-letters a delivery failed permanently into the DLQ topic and the sink, then commits past it', async () => {
    const topic = unique('spans');
    const groupId = unique('writers');
    const sink = new RecordingDeadLetters();
    const queue = makeQueue({ topic, groupId, deadLetters: sink });
    const deliveries = new Deliveries();
    await queue.start();
    queue.subscribe(deliveries);
    const record = spanRecord();
    await queue.offer([record]);
    await deliveries.waitForRecords(1);
    deliveries.all[0]?.fail(new PermanentError('column type mismatch'));
    const [dead] = await readTopic(`${topic}.dlq`, 1);
    expect(JSON.parse(dead?.value.toString() ?? '{}').spanId).toBe(record.spanId);
    expect(header(dead as never, DLQ_REASON_HEADER)).toBe('column type mismatch');
    expect(sink.entries[0]?.reason).toBe('column type mismatch');
    await eventually(async () => ((await committedOffset(groupId, topic)) === 1n ? true : undefined));
  });

  it('pauses fetching past maxUnackedRecords and resumes when acks free room', async () => {
    const queue = makeQueue({ maxUnackedRecords: 10 });
    const deliveries = new Deliveries();
    await queue.start();
    queue.subscribe(deliveries);
    await queue.offer(Array.from({ length: 10 }, () => spanRecord()));
    await deliveries.waitForRecords(10);
    await eventually(() => (queue.consumerStats()?.paused ? true : undefined));
    await queue.offer(Array.from({ length: 30 }, () => spanRecord()));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(deliveries.records()).toHaveLength(10);
    await eventually(() => {
      for (const d of deliveries.all) d.ack(); // a second ack of a delivery is a no-op
      return deliveries.records().length >= 40 ? true : undefined;
    });
    expect(new Set(deliveries.records().map((r) => r.spanId)).size).toBe(40);
  });

  it('shares partitions between two group members across a rebalance and commits every record', async () => {
    const topic = unique('spans');
    const groupId = unique('writers');
    const a = makeQueue({ topic, groupId, partitions: 4 });
    const b = makeQueue({ topic, groupId, partitions: 4 });
    const seenA = new Deliveries(true);
    const seenB = new Deliveries(true);
    await a.start();
    a.subscribe(seenA);
    const records = Array.from({ length: 400 }, () => spanRecord());
    for (let i = 0; i < 200; i += 20) await a.offer(records.slice(i, i + 20));
    await seenA.waitForRecords(1);
    await b.start();
    b.subscribe(seenB);
    await eventually(() => (b.isReady() && a.isReady() ? true : undefined));
    for (let i = 200; i < 400; i += 20) await a.offer(records.slice(i, i + 20));
    const all = () => new Set([...seenA.records(), ...seenB.records()].map((r) => r.spanId));
    await eventually(() => (all().size === 400 ? true : undefined));
    expect([...all()].sort()).toEqual(records.map((r) => r.spanId).sort());
    expect(seenB.records().length).toBeGreaterThan(0);
    const committed = async () => {
      let sum = 0n;
      for (let p = 0; p < 4; p++) {
        const offset = await committedOffsetOf(groupId, topic, p);
        if (offset > 0n) sum += offset;
      }
      return sum;
    };
    await eventually(async () => ((await committed()) === 400n ? true : undefined));
  });

  it('rejects offer() with a retryable error within a bounded time when no broker answers', async () => {
    const queue = makeQueue({
      bootstrapBrokers: ['localhost:1'],
      offerTimeoutMs: 3_000,
      connectTimeoutMs: 500,
    });
    await queue.start();
    const started = Date.now();
    const error = await queue.offer([spanRecord()]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect(isRetryable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(queue.isReady()).toBe(false);
    await queue.shutdown(deadlineIn(1_000));
  });
});
