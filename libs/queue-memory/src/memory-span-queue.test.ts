// The assertions live in the shared contract suite (libs/contract-tests), run here against this adapter.
import { spanQueueContract } from '@driftwatch/contract-tests';
import { MemorySpanQueue } from './memory-span-queue.js';

spanQueueContract(
  'in-process memory queue',
  { offerWaitsForAck: true },
  async (options) => new MemorySpanQueue({ ...options, redeliveryDelayMs: { initial: 5, max: 20 } }),
);
