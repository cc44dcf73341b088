import type { QueueConsumer, QueueDelivery, RejectedRecord, SpanRecord } from '@driftwatch/contracts';
import { isRetryable, PermanentError } from '@driftwatch/contracts';
import type { Message } from '@platformatic/kafka';
import type { DeadLetterMessage, DeadLetterTopic } from './dlq.js';
import { OffsetsTracker, type Ticket } from './offsets-tracker.js';
import type { ResolvedOptions } from './options.js';
import { classify } from './producer.js';
import { backoff, sleep } from './time.js';

export type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** A delivery as kept until it is settled: its offsets ticket, the raw messages and the decoded records. */
interface Entry {
  ticket: Ticket<KafkaMessage>;
  messages: KafkaMessage[];
  records: SpanRecord[];
  attempts: number;
}

/**
 * Hands deliveries to the queue's consumer and settles them: ack commits (in offset order, OffsetsTracker),
 * a retryable failure hands the same records out again after a backoff, a permanent failure or an undecodable
 * message goes to the dead-letter topic (and the optional sink) and then counts as acked; so do the records
 * an ack lists as rejected (the store refused them), each with its own reason, while the rest count as stored.
 * Dead-letter writes are retried while the broker or sink is unavailable, but a write refused for good is
 * reported and given up, so no message can hold its partition's commits back forever.
 */
export class Deliveries {
  readonly tracker = new OffsetsTracker<KafkaMessage>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly work = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly target: QueueConsumer,
    private readonly dlq: DeadLetterTopic,
    private readonly hooks: { onSettled: () => void; report: (error: unknown, context: string) => void },
  ) {}

  /** Deliveries unsettled, or dead-letter writes and commits still in progress. */
  get busy(): boolean {
    return this.tracker.pendingRecords > 0 || this.work.size > 0;
  }

  handOut(partition: string, messages: KafkaMessage[], records: SpanRecord[]): void {
    const last = messages[messages.length - 1] as KafkaMessage;
    const ticket = this.tracker.track(partition, last.offset, records.length, last);
    this.hand({ ticket, messages, records, attempts: 0 });
  }

  poison(partition: string, message: KafkaMessage, reason: string): void {
    const ticket = this.tracker.track(partition, message.offset, 1, message);
    const stored = this.persistently(
      () => this.dlq.put([deadLetterOf(message)], `undecodable: ${reason}`),
      'dead-lettering',
    );
    this.track(stored.then((ok) => ok && this.settle(ticket)));
  }

  /** Stops redeliveries and dead-letter retries; unsettled deliveries stay uncommitted (read again later). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private hand(entry: Entry): void {
    entry.attempts += 1;
    let done = false;
    const delivery: QueueDelivery = {
      records: entry.records,
      ack: (rejected?: readonly RejectedRecord[]) => {
        if (done) return;
        done = true;
        if (!rejected || rejected.length === 0) this.settle(entry.ticket);
        else this.deadLetterSome(entry, rejected);
      },
      fail: (error: unknown) => {
        if (done) return;
        done = true;
        if (isRetryable(error)) this.redeliverLater(entry);
        else this.deadLetter(entry, error instanceof Error ? error.message : String(error));
      },
    };
    try {
      this.target.deliver(delivery);
    } catch (error) {
      delivery.fail(error);
    }
  }

  private redeliverLater(entry: Entry): void {
    // Stale after a rebalance: the partition is read again from its committed offset, maybe by another member.
    if (entry.ticket.stale || this.closed) {
      this.settle(entry.ticket);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.hand(entry);
      },
      backoff(entry.attempts, this.options.redeliveryDelayMs),
    );
    this.timers.add(timer);
  }

  /** The dead-letter topic and the optional sink are written side by side; settled once both hold the records. */
  private deadLetter(entry: Entry, reason: string): void {
    this.track(
      this.writeDeadLetters(entry.messages, entry.records, reason).then(() => this.settleUnlessClosed(entry)),
    );
  }

  /** Only the rejected records of a delivery (the others are stored), grouped by reason. */
  private deadLetterSome(entry: Entry, rejected: readonly RejectedRecord[]): void {
    const position = new Map(entry.records.map((record, i) => [record, i]));
    const byReason = new Map<string, { messages: KafkaMessage[]; records: SpanRecord[] }>();
    for (const { record, reason } of rejected) {
      const i = position.get(record);
      if (i === undefined) continue;
      const group = byReason.get(reason) ?? { messages: [], records: [] };
      group.messages.push(entry.messages[i] as KafkaMessage);
      group.records.push(record);
      byReason.set(reason, group);
    }
    const writes = [...byReason].map(([reason, g]) => this.writeDeadLetters(g.messages, g.records, reason));
    this.track(Promise.all(writes).then(() => this.settleUnlessClosed(entry)));
  }

  private async writeDeadLetters(
    messages: KafkaMessage[],
    records: SpanRecord[],
    reason: string,
  ): Promise<void> {
    const sink = this.options.deadLetters;
    await Promise.all([
      this.persistently(() => this.dlq.put(messages.map(deadLetterOf), reason), 'dead-lettering'),
      sink ? this.persistently(() => sink.put(records, reason), 'dead-letter sink') : Promise.resolve(true),
    ]);
  }

  private settleUnlessClosed(entry: Entry): void {
    // After close() the writes gave up: leave the delivery uncommitted, it is read again later.
    if (!this.closed) this.settle(entry.ticket);
  }

  /**
   * Retries with backoff while the error is retryable, until it succeeds (true) or close() (false). An error
   * that says the write can never succeed is reported and given up (true): waiting would block the partition.
   */
  private async persistently(write: () => Promise<void>, context: string): Promise<boolean> {
    for (let attempt = 1; !this.closed; attempt += 1) {
      try {
        await write();
        return true;
      } catch (error) {
        if (!isRetryable(error) || isRefusedForGood(error)) {
          this.hooks.report(error, `${context} refused for good, given up`);
          return true;
        }
        this.hooks.report(error, context);
        await sleep(backoff(attempt, this.options.redeliveryDelayMs));
      }
    }
    return false;
  }

  private settle(ticket: Ticket<KafkaMessage>): void {
    const commit = this.tracker.settle(ticket);
    if (commit) {
      const committed = Promise.resolve(commit.handle.commit());
      this.track(committed.catch((error: unknown) => this.hooks.report(error, 'committing offsets')));
    }
    this.hooks.onSettled();
  }

  private track(promise: Promise<unknown>): void {
    this.work.add(promise);
    void promise.finally(() => this.work.delete(promise));
  }
}

function deadLetterOf(message: KafkaMessage): DeadLetterMessage {
  return {
    key: message.key,
    value: message.value,
    source: { topic: message.topic, partition: message.partition, offset: message.offset },
  };
}

/** Broker answers that no retry can fix (e.g. a record larger than the dead-letter topic takes). */
function isRefusedForGood(error: unknown): boolean {
  return classify(error) instanceof PermanentError;
}
