export {
  RecordingDeadLetters,
  spanQueueContract,
  type QueueCapabilities,
  type QueueFactoryOptions,
} from './span-queue.contract.js';
export { spanStoreContract, type StoreUnderTest } from './span-store.contract.js';
export { llmCall, nanosAgo, randomSpanId, randomTraceId, spanRecord } from './span-fixtures.js';
export { outboxContract } from './outbox.contract.js';
export { embedderContract, type EmbedderCapabilities } from './embedder.contract.js';
export { vectorIndexContract, type VectorIndexUnderTest } from './vector-index.contract.js';
export {
  cosineDistance,
  near,
  normalize,
  randomProjectId,
  randomUnitVector,
  vectorEntry,
} from './vector-fixtures.js';
