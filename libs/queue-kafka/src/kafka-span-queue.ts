import type {
  Deadline,
  OfferResult,
  QueueConsumer,
  QueueStats,
  Readiness,
  SpanQueue,
  SpanRecord,
} from '@driftwatch/contracts';
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
 * retried by itself. Readiness is checked live: a metadata request to the brokers (cached for a second).
 */

/** Brokers are written to at once (offer() is durable on ack), so nothing is ever dead-lettered at offer time. */
const ACKNOWLEDGED: OfferResult = Object.freeze({ deadLettered: Object.freeze([]) });
const PROBE_CACHE_MS = 1_000;
export class KafkaSpanQueue implements SpanQueue {
  private readonly options: ResolvedOptions;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private producer: SpanProducer | null = null;
  private consumer: SpanConsumer | null = null;
  private target: QueueConsumer | null = null;
  private topics: Promise<void> | null = null;
  private topicsReady = false;
  private stopping: Promise<void> | null = null;
  private probe: { at: number; result: Readiness } | null = null;
  private probing: Promise<Readiness> | null = null;

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

  offer(records: readonly SpanRecord[]): Promise<OfferResult> {
    const producer = this.producer;
    if (this.state !== 'running' || !producer) {
      return Promise.reject(new UnavailableError('queue is not accepting spans'));
    }
    if (records.length === 0) return Promise.resolve(ACKNOWLEDGED);
    const inFlight = producer.recordsInFlight;
    if (inFlight > 0 && inFlight + records.length > this.options.capacity) {
      return Promise.reject(
        new SaturatedError(`Kafka producer full (${inFlight}/${this.options.capacity} records in flight)`, 1),
      );
    }
    const sent = producer.send(records, this.ensureTopics());
    sent.catch(() => undefined);
    return withTimeout(
      sent.then(() => ACKNOWLEDGED),
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

  /** The last known state (refreshed in the background when older than a second). */
  isReady(): boolean {
    if (this.state !== 'running' || !this.topicsReady) return false;
    if (!this.probe || Date.now() - this.probe.at > PROBE_CACHE_MS) void this.readiness();
    if (this.probe && !this.probe.result.ready) return false;
    return this.consumer ? this.consumer.isReady() : true;
  }

  /** Not ready while the brokers do not answer, the topics are not there yet or the consumer is not in its group. */
  async readiness(): Promise<Readiness> {
    if (this.state !== 'running') return { ready: false, reason: `Kafka queue is ${this.state}` };
    const brokers = await this.probeBrokers();
    if (!brokers.ready) return brokers;
    if (!this.topicsReady) {
      this.ensureTopics().catch(() => undefined);
      return { ready: false, reason: `Kafka topic ${this.options.topic} is not created yet` };
    }
    if (this.consumer && !this.consumer.isReady()) {
      return { ready: false, reason: `Kafka consumer has not joined group ${this.options.groupId} yet` };
    }
    return { ready: true };
  }

  /** A metadata request with a short timeout, at most one in flight, its answer kept for a second. */
  private probeBrokers(): Promise<Readiness> {
    if (this.probe && Date.now() - this.probe.at <= PROBE_CACHE_MS) return Promise.resolve(this.probe.result);
    const producer = this.producer;
    if (!producer) return Promise.resolve({ ready: false, reason: 'Kafka producer not started' });
    this.probing ??= withTimeout(
      producer.client.metadata({ topics: [], forceUpdate: true, retries: 0 }),
      this.options.probeTimeoutMs,
      () => new Error(`no answer within ${this.options.probeTimeoutMs} ms`),
    )
      .then(
        (): Readiness => ({ ready: true }),
        (error: unknown): Readiness => ({
          ready: false,
          reason: `Kafka brokers ${this.options.bootstrapBrokers.join(',')} unreachable: ${describe(error)}`,
        }),
      )
      .then((result) => {
        this.probe = { at: Date.now(), result };
        this.probing = null;
        return result;
      });
    return this.probing;
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
