import type { Lifecycle } from './lifecycle.js';
import type { SpanRecord } from './span-record.js';

/** A record the consumer could not store, with why; the queue dead-letters it instead. */
export interface RejectedRecord {
  readonly record: SpanRecord;
  readonly reason: string;
}

/**
 * A batch handed to the consumer. The consumer owns it until it calls ack() or fail().
 * ack(): every record is stored durably except those listed in `rejected` (data the store can never take),
 * which the queue dead-letters, each with its reason. fail(): the whole batch; retryable means redeliver
 * later, permanent means the queue dead-letters all of it with the reason.
 */
export interface QueueDelivery {
  readonly records: readonly SpanRecord[];
  ack(rejected?: readonly RejectedRecord[]): void;
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

/** A span that was accepted but not stored: it went to the dead-letter place (if even that took it) with its reason. */
export interface DeadLetteredSpan {
  readonly spanId: string;
  readonly reason: string;
}

/** What became of offered records that did not fail the offer as a whole. */
export interface OfferResult {
  /** Spans that will never be in the store; every other offered span is durable. */
  readonly deadLettered: readonly DeadLetteredSpan[];
}

/** Whether a component can do its work now, and if not, why (shown by /readyz). */
export interface Readiness {
  readonly ready: boolean;
  readonly reason?: string;
}

/**
 * The span queue between ingest and the writer, keyed by trace id.
 * offer() resolves only once the records are durable: stored by the consumer (in-process adapter, which then
 * also knows which spans the store refused and reports them in deadLettered) or acknowledged by the brokers
 * (Kafka; deadLettered is empty, a span the store refuses later goes to the dead-letter topic).
 * After it resolves the caller no longer owns the records.
 * It rejects with SaturatedError when full and UnavailableError when stopped; nothing is half-accepted.
 */
export interface SpanQueue extends Lifecycle {
  offer(records: readonly SpanRecord[]): Promise<OfferResult>;
  /** Sets the one consumer of this queue instance (a consumer-group member for Kafka). */
  subscribe(consumer: QueueConsumer): void;
  stats(): QueueStats;
  /** The last known state, without waiting. */
  isReady(): boolean;
  /** The state checked now (at most a second or two old), with the reason when not ready. */
  readiness(): Promise<Readiness>;
}
