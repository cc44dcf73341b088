export { KafkaSpanQueue } from './kafka-span-queue.js';
export type { KafkaCompression, KafkaSpanQueueOptions } from './options.js';
export type { ConsumerStats } from './consumer.js';
export { DLQ_AT_HEADER, DLQ_REASON_HEADER, DLQ_SOURCE_HEADER } from './dlq.js';
export { decodeSpan, encodeSpan, spanRecordSchema } from './payload-schema.js';
