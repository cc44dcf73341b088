// The shared assertions live in the contract suite (libs/contract-tests), run here against this adapter;
// below are the cases only an in-process queue has (its offer waits for the store, dead letters included).
import { spanQueueContract, spanRecord } from '@driftwatch/contract-tests';
import type { DeadLetterSink, QueueDelivery, SpanRecord } from '@driftwatch/contracts';
import { deadlineIn, PermanentError, UnavailableError } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { MemorySpanQueue } from './memory-span-queue.js';

spanQueueContract(
  'in-process memory queue',
  { offerWaitsForAck: true },
  async (options) => new MemorySpanQueue({ ...options, redeliveryDelayMs: { initial: 5, max: 20 } }),
);

/** A dead-letter sink that fails with the given error. */
const failingSink = (error: Error): DeadLetterSink => ({
  put: async () => {
    throw error;
  },
});

/** A started queue whose consumer keeps the deliveries; next() waits for the first one. */
async function startedQueue(deadLetters: DeadLetterSink) {
  const queue = new MemorySpanQueue({ capacity: 10, deadLetters });
  const deliveries: QueueDelivery[] = [];
  queue.subscribe({ deliver: (d) => deliveries.push(d) });
  await queue.start();
  const next = async (): Promise<QueueDelivery> => {
    while (deliveries.length === 0) await new Promise((r) => setTimeout(r, 5));
    return deliveries[0] as QueueDelivery;
  };
  return { queue, next };
}

describe('MemorySpanQueue dead letters', () => {
  it('still reports a rejected span as not stored when the dead-letter store refuses it too', async () => {
    const { queue, next } = await startedQueue(
      failingSink(new PermanentError('Code: 25. Cannot parse escape sequence')),
    );
    const [good, bad] = [spanRecord(), spanRecord()];
    const offered = queue.offer([good, bad]);
    const delivery = await next();
    delivery.ack([{ record: delivery.records[1] as SpanRecord, reason: 'refused by the store' }]);
    const { deadLettered } = await offered;
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]?.spanId).toBe(bad.spanId);
    expect(deadLettered[0]?.reason).toMatch(
      /^refused by the store \(and the dead-letter store refused it: .*Code: 25/,
    );
    await queue.shutdown(deadlineIn(500));
  });

  it('fails the offer (the client retries) when the dead-letter store is unavailable', async () => {
    const { queue, next } = await startedQueue(failingSink(new UnavailableError('store down')));
    const offered = queue.offer([spanRecord()]);
    const delivery = await next();
    delivery.ack([{ record: delivery.records[0] as SpanRecord, reason: 'refused' }]);
    await expect(offered).rejects.toBeInstanceOf(UnavailableError);
    expect(queue.stats().depth).toBe(0);
    await queue.shutdown(deadlineIn(500));
  });
});
