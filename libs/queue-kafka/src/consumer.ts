import type { Deadline, QueueConsumer, SpanRecord } from '@driftwatch/contracts';
import { msLeft } from '@driftwatch/contracts';
import { Consumer, type MessagesStream } from '@platformatic/kafka';
import { Deliveries, type KafkaMessage } from './deliveries.js';
import type { DeadLetterTopic } from './dlq.js';
import type { ResolvedOptions } from './options.js';
import { decodeSpan } from './payload-schema.js';
import { describe } from './producer.js';
import { backoff, closeWithin, sleep, waitUntil, withTimeout } from './time.js';

export interface ConsumerStats {
  /** Consumed records handed out and not yet acked or dead-lettered. */
  unackedRecords: number;
  /** True while fetching is paused because unackedRecords reached maxUnackedRecords. */
  paused: boolean;
  joined: boolean;
}

/**
 * A consumer-group member. Messages that arrive in one turn of the event loop (one fetch) are grouped per partition
 * into deliveries of at most maxDeliveryRecords; undecodable ones are dead-lettered on their own (Deliveries).
 * Fetching pauses while maxUnackedRecords are unsettled. When the client ends its stream (broker down) it
 * reconnects with backoff.
 */
export class SpanConsumer {
  private client: Consumer | null = null;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | null = null;
  private readonly deliveries: Deliveries;
  private readonly received = new Map<string, KafkaMessage[]>();
  private flushScheduled = false;
  private paused = false;
  private joined = false;
  private stopping = false;
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    target: QueueConsumer,
    dlq: DeadLetterTopic,
  ) {
    this.deliveries = new Deliveries(options, target, dlq, {
      onSettled: () => this.maybeResume(),
      report: (error, context) => this.report(error, context),
    });
  }

  private get tracker() {
    return this.deliveries.tracker;
  }

  stats(): ConsumerStats {
    return { unackedRecords: this.tracker.pendingRecords, paused: this.paused, joined: this.joined };
  }

  isReady(): boolean {
    return this.joined && !this.stopping && this.stream !== null && !this.stream.destroyed;
  }

  /** Joins the group and starts fetching; retries with backoff until it succeeds or shutdown begins. */
  async run(before: () => Promise<void>): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt += 1) {
      try {
        await before();
        await this.connect(before);
        return;
      } catch (error) {
        this.report(error, 'joining the consumer group');
        await sleep(backoff(attempt, { initial: 250, max: 5_000 }));
      }
    }
  }

  private async connect(before: () => Promise<void>): Promise<void> {
    const o = this.options;
    const client = new Consumer({
      clientId: `${o.clientId}-consumer`,
      groupId: o.groupId,
      bootstrapBrokers: o.bootstrapBrokers,
      connectTimeout: o.connectTimeoutMs,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: o.heartbeatIntervalMs,
      autocommit: false,
      maxWaitTime: 500,
      maxBytes: o.maxFetchBytes,
      highWaterMark: 1_024,
    });
    // A (re)join may change the assignment: deliveries handed out before it must not commit any more.
    client.on('consumer:group:join', () => {
      this.tracker.reset();
      this.received.clear();
      this.joined = true;
    });
    client.on('consumer:group:leave', () => {
      this.joined = false;
    });
    this.client = client;
    try {
      const stream = await client.consume({
        topics: [o.topic],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
      });
      if (this.closed) {
        // shutdown() finished while this member was joining: leave again.
        await client.close(true).catch(() => undefined);
        return;
      }
      this.stream = stream;
      stream.on('data', (message: KafkaMessage) => this.receive(message));
      stream.on('error', (error: Error) => this.report(error, 'fetching'));
      // The client ends the stream on a metadata or fetch error (broker down): start over with a new client.
      stream.once('close', () => this.reconnect(client, before));
      if (this.stopping || this.paused) stream.pause();
    } catch (error) {
      this.client = null;
      await client.close(true).catch(() => undefined);
      throw error;
    }
  }

  private reconnect(client: Consumer, before: () => Promise<void>): void {
    if (this.stopping || this.client !== client) return;
    this.report(new Error('the fetch stream ended'), 'consuming (reconnecting)');
    this.client = null;
    this.stream = null;
    this.joined = false;
    this.tracker.reset();
    this.received.clear();
    void client
      .close(true)
      .catch(() => undefined)
      .then(() => this.run(before));
  }

  private receive(message: KafkaMessage): void {
    if (this.stopping) return;
    const key = `${message.topic}:${message.partition}`;
    const list = this.received.get(key);
    if (list) list.push(message);
    else this.received.set(key, [message]);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Turns what arrived in one turn of the event loop into deliveries, one partition at a time. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.stopping) return;
    for (const [partition, messages] of this.received) {
      let run: KafkaMessage[] = [];
      let records: SpanRecord[] = [];
      const handOut = () => {
        if (run.length === 0) return;
        this.deliveries.handOut(partition, run, records);
        run = [];
        records = [];
      };
      for (const message of messages) {
        const high = this.tracker.highWater(partition);
        if (high !== undefined && message.offset <= high) {
          // The client re-reads from the committed offset (after a rejoin): that sequence is the truth now,
          // and it holds the messages collected so far in this run again.
          run = [];
          records = [];
          this.tracker.rewind(partition);
        }
        const decoded = decodeSpan(message.value);
        if (!decoded.ok) {
          handOut();
          this.deliveries.poison(partition, message, decoded.reason);
          continue;
        }
        run.push(message);
        records.push(decoded.record);
        if (run.length >= this.options.maxDeliveryRecords) handOut();
      }
      handOut();
    }
    this.received.clear();
    if (!this.paused && this.tracker.pendingRecords >= this.options.maxUnackedRecords) {
      this.paused = true;
      this.stream?.pause();
    }
  }

  private maybeResume(): void {
    if (this.paused && !this.stopping && this.tracker.pendingRecords < this.options.maxUnackedRecords / 2) {
      this.paused = false;
      this.stream?.resume();
    }
  }

  private report(error: unknown, context: string): void {
    this.options.onError?.(error, `${context}: ${describe(error)}`);
  }

  /** Stops fetching, waits for deliveries to be settled and their offsets committed, then leaves the group. */
  async shutdown(deadline: Deadline): Promise<void> {
    if (this.closed) return;
    this.stopping = true;
    this.stream?.pause();
    this.received.clear();
    await waitUntil(() => !this.deliveries.busy, deadline);
    this.closed = true;
    this.deliveries.close();
    const stream = this.stream;
    if (stream) {
      const ms = Math.max(200, msLeft(deadline));
      await withTimeout(stream.close(), ms, () => new Error('stream close timed out')).catch(() => undefined);
    }
    if (this.client) {
      const client = this.client;
      await closeWithin((force) => client.close(force), deadline);
    }
    this.joined = false;
  }
}
