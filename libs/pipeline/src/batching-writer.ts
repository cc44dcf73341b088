import type {
  Deadline,
  QueueConsumer,
  QueueDelivery,
  Readiness,
  RejectedRecord,
  SpanRecord,
  SpanWriter,
} from '@driftwatch/contracts';
import { msLeft, PermanentError, UnavailableError } from '@driftwatch/contracts';
import { isolatePoison, type Part, type Unsettled } from './poison-isolation.js';

export interface BatchingWriterOptions {
  /** Flush when this many records are waiting. */
  maxBatchRecords: number;
  /** Flush at the latest this long after the first record arrived. */
  maxWaitMs: number;
  /** Backoff between retries of a failed insert. */
  retryDelayMs?: { initial: number; max: number };
  /**
   * Attempts of a batch failing with an error that says neither "bad data" nor "store unavailable" before
   * the writer narrows it down to the spans it fails on. Default 3.
   */
  attemptsBeforeIsolating?: number;
  /** Consecutive failed attempts of the same batch after which health() reports stalled. Default 3. */
  stalledAfterFailures?: number;
  onInsert?: (info: { records: number; ms: number }) => void;
  onError?: (error: unknown, willRetry: boolean) => void;
  /** A span the store refused for good, dead-lettered on its own with the reason. */
  onDeadLetter?: (rejected: RejectedRecord) => void;
}

/** What /readyz shows about the writer. */
export interface WriterHealth extends Readiness {
  /** Failed attempts in a row of the batch being written (0 once an insert succeeds). */
  consecutiveFailures: number;
  /** Age of the oldest delivery received and not yet settled, or null when nothing waits. */
  oldestUnstoredMs: number | null;
  lastError: string | null;
}

/** One delivery while its records are being written: acked once every record is stored or rejected. */
class Owner implements Unsettled {
  private remaining: number;
  private readonly rejected: RejectedRecord[] = [];
  private done = false;

  constructor(
    readonly delivery: QueueDelivery,
    readonly receivedAt: number,
  ) {
    this.remaining = delivery.records.length;
    if (this.remaining === 0) this.finish();
  }

  stored(count: number): void {
    this.remaining -= count;
    if (this.remaining === 0) this.finish();
  }

  reject(record: SpanRecord, reason: string): void {
    this.rejected.push({ record, reason });
    this.stored(1);
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.delivery.fail(error);
  }

  get settled(): boolean {
    return this.done;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.delivery.ack(this.rejected);
  }
}

/**
 * Consumes queue deliveries, groups them into large inserts (one insert in flight at a time, so requests
 * that arrive during an insert share the next one) and acks each delivery only after its records are stored.
 * How a failed insert is handled depends on what the error means:
 * - UnavailableError (the store takes nothing now): retried with backoff for as long as it takes; health()
 *   reports stalled meanwhile.
 * - PermanentError (the data is bad): the batch is split down to the single span the store refuses, which is
 *   dead-lettered on its own with the reason (ack with rejected); everything around it is stored.
 * - any other error: retried a few times, then narrowed down the same way. A span is dead-lettered for such an
 *   error only when other spans were stored meanwhile (the store works, it is this span); when nothing at all
 *   goes in, the store is the problem and the batch waits like for an UnavailableError.
 */
export class BatchingWriter implements QueueConsumer {
  private buffer: Owner[] = [];
  private bufferedRecords = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;
  private readonly retryDelay: { initial: number; max: number };
  private readonly attemptsBeforeIsolating: number;
  private readonly stalledAfterFailures: number;
  private writing: Owner[] = [];
  private consecutiveFailures = 0;
  private lastError: string | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: SpanWriter,
    private readonly options: BatchingWriterOptions,
  ) {
    this.retryDelay = options.retryDelayMs ?? { initial: 200, max: 10_000 };
    this.attemptsBeforeIsolating = Math.max(1, options.attemptsBeforeIsolating ?? 3);
    this.stalledAfterFailures = Math.max(1, options.stalledAfterFailures ?? 3);
  }

  deliver(delivery: QueueDelivery): void {
    const owner = new Owner(delivery, Date.now());
    if (owner.settled) return;
    this.buffer.push(owner);
    this.bufferedRecords += delivery.records.length;
    if (this.bufferedRecords >= this.options.maxBatchRecords) this.kick();
    else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => this.kick(), this.options.maxWaitMs);
    }
  }

  health(): WriterHealth {
    const oldest = this.writing[0]?.receivedAt ?? this.buffer[0]?.receivedAt;
    const stalled = this.consecutiveFailures >= this.stalledAfterFailures;
    return {
      ready: !stalled,
      ...(stalled
        ? { reason: `writer stalled: ${this.consecutiveFailures} failed inserts in a row: ${this.lastError}` }
        : {}),
      consecutiveFailures: this.consecutiveFailures,
      oldestUnstoredMs: oldest === undefined ? null : Date.now() - oldest,
      lastError: this.lastError,
    };
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flushing || this.buffer.length === 0) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      if (this.buffer.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      this.writing = this.take(this.options.maxBatchRecords);
      await this.write(this.writing.map((owner) => ({ owner, records: owner.delivery.records })));
      this.writing = [];
    }
  }

  private take(maxRecords: number): Owner[] {
    const batch: Owner[] = [];
    let records = 0;
    while (this.buffer.length > 0 && (batch.length === 0 || records < maxRecords)) {
      const next = this.buffer.shift() as Owner;
      records += next.delivery.records.length;
      batch.push(next);
    }
    this.bufferedRecords -= records;
    return batch;
  }

  /** Writes the parts until each record is stored or rejected (or the writer stops while the store is down). */
  private async write(initial: Part[]): Promise<void> {
    let parts = initial;
    let unexplained = 0;
    for (let attempt = 0; parts.length > 0; attempt += 1) {
      const error = await this.tryInsert(parts);
      if (!error) return;
      this.noteFailure(error);
      if (!(error instanceof UnavailableError)) {
        const isolate = error instanceof PermanentError || ++unexplained >= this.attemptsBeforeIsolating;
        if (isolate) {
          parts = await isolatePoison(parts, error, {
            insert: (p) => this.tryInsert(p),
            reject: (part, reason) => this.reject(part, reason),
          });
          if (parts.length === 0) return;
          // Nothing went in while isolating: the store refuses everything, so this is the store's problem.
        }
      }
      if (this.stopped) {
        for (const part of parts) part.owner.fail(error);
        return;
      }
      this.options.onError?.(error, true);
      await this.backoff(attempt);
      parts = this.absorbArrivals(parts);
    }
  }

  /** Inserts the parts' records; on success settles them, on failure returns the (classified) error. */
  private async tryInsert(parts: Part[]): Promise<Error | null> {
    const records = parts.length === 1 ? (parts[0] as Part).records : parts.flatMap((p) => p.records);
    const started = performance.now();
    try {
      await this.store.insert(records);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    this.options.onInsert?.({ records: records.length, ms: performance.now() - started });
    this.consecutiveFailures = 0;
    this.lastError = null;
    for (const part of parts) part.owner.stored(part.records.length);
    return null;
  }

  private reject(part: Part, reason: string): void {
    const record = part.records[0] as SpanRecord;
    this.options.onError?.(new PermanentError(reason), false);
    this.options.onDeadLetter?.({ record, reason });
    part.owner.reject(record, reason);
  }

  private noteFailure(error: Error): void {
    this.consecutiveFailures += 1;
    this.lastError = error.message;
  }

  /**
   * A batch waiting on a failing store takes in what arrived meanwhile (within the batch size): if the store
   * accepts those, isolating finds the span it refuses; otherwise they would wait behind it anyway.
   */
  private absorbArrivals(parts: Part[]): Part[] {
    const held = parts.reduce((n, p) => n + p.records.length, 0);
    const room = this.options.maxBatchRecords - held;
    if (room <= 0 || this.buffer.length === 0 || this.stopped) return parts;
    const more = this.take(room);
    this.writing.push(...more);
    return [...parts, ...more.map((owner) => ({ owner, records: owner.delivery.records }))];
  }

  private async backoff(attempt: number): Promise<void> {
    const delay = Math.min(this.retryDelay.max, this.retryDelay.initial * 2 ** Math.min(attempt, 20));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  /** Flushes what is buffered, within the deadline; a store still down then fails what is left (redelivered). */
  async shutdown(deadline: Deadline): Promise<void> {
    this.kick();
    while ((this.flushing || this.buffer.length > 0) && msLeft(deadline) > 0) {
      await Promise.race([this.flushing, new Promise((r) => setTimeout(r, msLeft(deadline)))]);
      if (!this.flushing && this.buffer.length > 0) this.kick();
    }
    this.stopped = true;
    this.wake?.();
    const unavailable = new UnavailableError('writer stopped before the spans were stored');
    for (const owner of this.buffer.splice(0)) owner.fail(unavailable);
    this.bufferedRecords = 0;
  }
}
