import type { Lifecycle } from './lifecycle.js';
import type { SpanRecord } from './span-record.js';

/**
 * A batch handed to the consumer. The consumer owns it until it calls ack() (stored durably; the queue may
 * forget it) or fail() (retryable: redeliver later; permanent: the queue dead-letters it with the reason).
 */
export interface QueueDelivery {
  readonly records: readonly SpanRecord[];
  ack(): void;
  fail(error: unknown): void;
}

export interface QueueConsumer {
  /** Called for each delivery, possibly before earlier ones are acked; must not throw. */
  deliver(delivery: QueueDelivery): void;
}

export interface QueueStats {
  /** Records offered and not yet acked. */
  depth: number;
  /** Past this depth offer() rejects with SaturatedError. */
  capacity: number;
}

/**
 * The span queue between ingest and the writer, keyed by trace id.
 * offer() resolves only once the records are durable: stored by the consumer (in-process adapter) or
 * acknowledged by the brokers (Kafka). After it resolves the caller no longer owns the records.
 * It rejects with SaturatedError when full and UnavailableError when stopped; nothing is half-accepted.
 */
export interface SpanQueue extends Lifecycle {
  offer(records: readonly SpanRecord[]): Promise<void>;
  /** Sets the one consumer of this queue instance (a consumer-group member for Kafka). */
  subscribe(consumer: QueueConsumer): void;
  stats(): QueueStats;
  isReady(): boolean;
}
