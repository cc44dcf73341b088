import type { Deadline, QueueConsumer, QueueStats, SpanQueue, SpanRecord } from '@driftwatch/contracts';
import { SaturatedError, UnavailableError } from '@driftwatch/contracts';
import { ensureTopics } from './admin.js';
import { SpanConsumer, type ConsumerStats } from './consumer.js';
import { DeadLetterTopic } from './dlq.js';
import { resolveOptions, type KafkaSpanQueueOptions, type ResolvedOptions } from './options.js';
import { classify, describe, SpanProducer } from './producer.js';
import { withTimeout } from './time.js';

/**
 * SpanQueue on Kafka. offer() resolves once all in-sync replicas hold the records (they survive this process),
 * so it does not wait for the consumer. subscribe() makes this instance a member of the consumer group; offsets
 * are committed only after the deliveries up to them are acked. start() returns at once: topics are created
 * in the background and every offer waits for them (within offerTimeoutMs), so a broker that is down at start is
 * retried by itself.
 */
export class KafkaSpanQueue implements SpanQueue {
  private readonly options: ResolvedOptions;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private producer: SpanProducer | null = null;
  private consumer: SpanConsumer | null = null;
  private target: QueueConsumer | null = null;
  private topics: Promise<void> | null = null;
  private topicsReady = false;
  private stopping: Promise<void> | null = null;

  constructor(options: KafkaSpanQueueOptions) {
    this.options = resolveOptions(options);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'running';
    this.producer = new SpanProducer(this.options);
    this.ensureTopics().catch(() => undefined);
    if (this.target) this.startConsumer(this.target);
  }

  subscribe(consumer: QueueConsumer): void {
    if (this.target) throw new Error('KafkaSpanQueue already has a consumer');
    this.target = consumer;
    if (this.state === 'running') this.startConsumer(consumer);
  }

  offer(records: readonly SpanRecord[]): Promise<void> {
    const producer = this.producer;
    if (this.state !== 'running' || !producer) {
      return Promise.reject(new UnavailableError('queue is not accepting spans'));
    }
    if (records.length === 0) return Promise.resolve();
    const inFlight = producer.recordsInFlight;
    if (inFlight > 0 && inFlight + records.length > this.options.capacity) {
      return Promise.reject(
        new SaturatedError(`Kafka producer full (${inFlight}/${this.options.capacity} records in flight)`, 1),
      );
    }
    const sent = producer.send(records, this.ensureTopics());
    sent.catch(() => undefined);
    return withTimeout(
      sent,
      this.options.offerTimeoutMs,
      () =>
        new UnavailableError(
          `Kafka did not acknowledge ${records.length} records within ${this.options.offerTimeoutMs} ms`,
        ),
    );
  }

  /** depth: records offered and not yet acknowledged by the brokers (the consumer side is in consumerStats()). */
  stats(): QueueStats {
    return { depth: this.producer?.recordsInFlight ?? 0, capacity: this.options.capacity };
  }

  /** The consumer side: unacked records, whether fetching is paused (undefined when not subscribed). */
  consumerStats(): ConsumerStats | undefined {
    return this.consumer?.stats();
  }

  isReady(): boolean {
    if (this.state !== 'running' || !this.topicsReady) return false;
    return this.consumer ? this.consumer.isReady() : true;
  }

  /** Stops fetching, waits for acks and commits, closes the clients; safe without start() and safe to repeat. */
  shutdown(deadline: Deadline): Promise<void> {
    this.stopping ??= this.stop(deadline);
    return this.stopping;
  }

  private async stop(deadline: Deadline): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    if (wasRunning) {
      await this.consumer?.shutdown(deadline);
      await this.producer?.close(deadline);
    }
    this.state = 'stopped';
  }

  private startConsumer(target: QueueConsumer): void {
    const producer = this.producer as SpanProducer;
    const consumer = new SpanConsumer(
      this.options,
      target,
      new DeadLetterTopic(producer.client, this.options.dlqTopic),
    );
    this.consumer = consumer;
    void consumer.run(() => this.ensureTopics());
  }

  /** One attempt at a time; a failed attempt is forgotten so the next caller tries again. */
  private ensureTopics(): Promise<void> {
    if (this.topicsReady) return Promise.resolve();
    if (!this.topics) {
      this.topics = ensureTopics(this.options).then(
        () => {
          this.topicsReady = true;
        },
        (error: unknown) => {
          this.topics = null;
          this.options.onError?.(error, `creating topics: ${describe(error)}`);
          throw classify(error);
        },
      );
    }
    return this.topics;
  }
}
