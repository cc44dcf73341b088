import type {
  DeadLetteredSpan,
  DeadLetterSink,
  Deadline,
  OfferResult,
  QueueConsumer,
  QueueDelivery,
  QueueStats,
  Readiness,
  RejectedRecord,
  SpanQueue,
  SpanRecord,
} from '@driftwatch/contracts';
import { isRetryable, msLeft, SaturatedError, UnavailableError } from '@driftwatch/contracts';

export interface MemorySpanQueueOptions {
  /** Most records offered and not yet acked; past it offer() rejects with SaturatedError (one oversized batch may pass into an empty queue). */
  capacity: number;
  deadLetters: DeadLetterSink;
  /** Delay before a batch that failed with a retryable error is handed to the consumer again. */
  redeliveryDelayMs?: { initial: number; max: number };
}

interface Pending {
  records: readonly SpanRecord[];
  attempts: number;
  settle: (outcome: OfferResult | { error: unknown }) => void;
}

const STORED: OfferResult = Object.freeze({ deadLettered: Object.freeze([]) as readonly DeadLetteredSpan[] });

/**
 * In-process queue. Nothing here survives the process, so offer() resolves only when the consumer has
 * acked (stored) the records: the HTTP 200 then means "stored", the same durability the Kafka adapter
 * gives with "acknowledged by the brokers". Records the consumer rejected (or a delivery it failed for good)
 * are dead-lettered and listed in the offer's result, so the caller can tell its client they were not stored.
 */
export class MemorySpanQueue implements SpanQueue {
  private consumer: QueueConsumer | null = null;
  private readonly waiting: Pending[] = [];
  private readonly inFlight = new Set<Pending>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private depth = 0;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private readonly redelivery: { initial: number; max: number };

  constructor(private readonly options: MemorySpanQueueOptions) {
    this.redelivery = options.redeliveryDelayMs ?? { initial: 100, max: 5_000 };
  }

  async start(): Promise<void> {
    if (this.state === 'new') this.state = 'running';
  }

  isReady(): boolean {
    return this.state === 'running' && this.consumer !== null;
  }

  async readiness(): Promise<Readiness> {
    if (this.state !== 'running') return { ready: false, reason: `queue is ${this.state}` };
    if (!this.consumer) return { ready: false, reason: 'queue has no consumer (writer) in this process' };
    return { ready: true };
  }

  stats(): QueueStats {
    return { depth: this.depth, capacity: this.options.capacity };
  }

  subscribe(consumer: QueueConsumer): void {
    if (this.consumer) throw new Error('MemorySpanQueue already has a consumer');
    this.consumer = consumer;
    for (const pending of this.waiting.splice(0)) this.deliver(pending);
  }

  offer(records: readonly SpanRecord[]): Promise<OfferResult> {
    if (this.state !== 'running') return Promise.reject(new UnavailableError('queue is not accepting spans'));
    if (records.length === 0) return Promise.resolve(STORED);
    // A batch larger than the whole capacity is still taken when the queue is empty, or it could never be.
    if (this.depth > 0 && this.depth + records.length > this.options.capacity) {
      return Promise.reject(
        new SaturatedError(`span queue full (${this.depth}/${this.options.capacity} records pending)`, 1),
      );
    }
    this.depth += records.length;
    return new Promise<OfferResult>((resolve, reject) => {
      let settled = false;
      const pending: Pending = {
        records,
        attempts: 0,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          this.depth -= records.length;
          this.inFlight.delete(pending);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.deadLettered.length === 0 ? STORED : outcome);
        },
      };
      if (this.consumer) this.deliver(pending);
      else this.waiting.push(pending);
    });
  }

  private deliver(pending: Pending): void {
    this.inFlight.add(pending);
    pending.attempts += 1;
    let done = false;
    const delivery: QueueDelivery = {
      records: pending.records,
      ack: (rejected?: readonly RejectedRecord[]) => {
        if (done) return;
        done = true;
        if (!rejected || rejected.length === 0) pending.settle(STORED);
        else this.deadLetter(pending, rejected);
      },
      fail: (error: unknown) => {
        if (done) return;
        done = true;
        if (isRetryable(error)) this.redeliverLater(pending);
        else {
          const reason = error instanceof Error ? error.message : String(error);
          this.deadLetter(
            pending,
            pending.records.map((record) => ({ record, reason })),
          );
        }
      },
    };
    this.consumer?.deliver(delivery);
  }

  private redeliverLater(pending: Pending): void {
    if (this.state === 'stopped') {
      pending.settle({ error: new UnavailableError('queue stopped before the spans were stored') });
      return;
    }
    const delay = Math.min(this.redelivery.max, this.redelivery.initial * 2 ** (pending.attempts - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.deliver(pending);
    }, delay);
    this.timers.add(timer);
  }

  /**
   * Keeps the rejected records in the sink, one write per reason, and settles the offer with them listed.
   * When the sink is unavailable the offer fails (the client retries; stored siblings are stored again
   * idempotently); when the sink refuses them for good they are still reported as not stored, never as stored.
   */
  private deadLetter(pending: Pending, rejected: readonly RejectedRecord[]): void {
    const byReason = new Map<string, SpanRecord[]>();
    for (const { record, reason } of rejected) {
      const list = byReason.get(reason);
      if (list) list.push(record);
      else byReason.set(reason, [record]);
    }
    const writes = [...byReason].map(async ([reason, records]) => {
      try {
        await this.options.deadLetters.put(records, reason);
        return records.map((r) => ({ spanId: r.spanId, reason }));
      } catch (sinkError) {
        if (isRetryable(sinkError)) throw sinkError;
        const lost = `${reason} (and the dead-letter store refused it: ${messageOf(sinkError)})`;
        return records.map((r) => ({ spanId: r.spanId, reason: lost }));
      }
    });
    Promise.all(writes).then(
      (lists) => pending.settle({ deadLettered: lists.flat() }),
      (sinkError: unknown) => pending.settle({ error: sinkError }),
    );
  }

  /** Refuses new offers, waits for in-flight batches until the deadline, then fails what is left (unacked, so retried by clients). */
  async shutdown(deadline: Deadline): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    while (this.inFlight.size > 0 && msLeft(deadline) > 0) {
      await new Promise((r) => setTimeout(r, Math.min(20, msLeft(deadline))));
    }
    this.state = 'stopped';
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const unavailable = new UnavailableError('queue stopped before the spans were stored');
    for (const pending of [...this.inFlight, ...this.waiting.splice(0)])
      pending.settle({ error: unavailable });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
