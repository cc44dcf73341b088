import type {
  DeadLetterSink,
  Deadline,
  QueueConsumer,
  QueueDelivery,
  QueueStats,
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
  settle: (error?: unknown) => void;
}

/**
 * In-process queue. Nothing here survives the process, so offer() resolves only when the consumer has
 * acked (stored) the records: the HTTP 200 then means "stored", the same durability the Kafka adapter
 * gives with "acknowledged by the brokers".
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

  stats(): QueueStats {
    return { depth: this.depth, capacity: this.options.capacity };
  }

  subscribe(consumer: QueueConsumer): void {
    if (this.consumer) throw new Error('MemorySpanQueue already has a consumer');
    this.consumer = consumer;
    for (const pending of this.waiting.splice(0)) this.deliver(pending);
  }

  offer(records: readonly SpanRecord[]): Promise<void> {
    if (this.state !== 'running') return Promise.reject(new UnavailableError('queue is not accepting spans'));
    if (records.length === 0) return Promise.resolve();
    // A batch larger than the whole capacity is still taken when the queue is empty, or it could never be.
    if (this.depth > 0 && this.depth + records.length > this.options.capacity) {
      return Promise.reject(
        new SaturatedError(`span queue full (${this.depth}/${this.options.capacity} records pending)`, 1),
      );
    }
    this.depth += records.length;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const pending: Pending = {
        records,
        attempts: 0,
        settle: (error) => {
          if (settled) return;
          settled = true;
          this.depth -= records.length;
          this.inFlight.delete(pending);
          if (error === undefined) resolve();
          else reject(error);
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
      ack: () => {
        if (done) return;
        done = true;
        pending.settle();
      },
      fail: (error: unknown) => {
        if (done) return;
        done = true;
        if (isRetryable(error)) this.redeliverLater(pending);
        else this.deadLetter(pending, error);
      },
    };
    this.consumer?.deliver(delivery);
  }

  private redeliverLater(pending: Pending): void {
    if (this.state === 'stopped') {
      pending.settle(new UnavailableError('queue stopped before the spans were stored'));
      return;
    }
    const delay = Math.min(this.redelivery.max, this.redelivery.initial * 2 ** (pending.attempts - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.deliver(pending);
    }, delay);
    this.timers.add(timer);
  }

  private deadLetter(pending: Pending, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    // Dead-lettered records are durably kept with their reason, so the offer counts as accepted.
    this.options.deadLetters.put(pending.records, reason).then(
      () => pending.settle(),
      (sinkError: unknown) => pending.settle(sinkError),
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
    for (const pending of [...this.inFlight, ...this.waiting.splice(0)]) pending.settle(unavailable);
  }
}
