import type { Deadline, QueueConsumer, QueueDelivery, SpanWriter } from '@driftwatch/contracts';
import { isRetryable, msLeft } from '@driftwatch/contracts';

export interface BatchingWriterOptions {
  /** Flush when this many records are waiting. */
  maxBatchRecords: number;
  /** Flush at the latest this long after the first record arrived. */
  maxWaitMs: number;
  /** Backoff between retries of a failed insert. */
  retryDelayMs?: { initial: number; max: number };
  onInsert?: (info: { records: number; ms: number }) => void;
  onError?: (error: unknown, willRetry: boolean) => void;
}

/**
 * Consumes queue deliveries, groups them into large inserts (one insert in flight at a time, so requests
 * that arrive during an insert share the next one) and acks each delivery only after its insert succeeded.
 * A retryable insert failure is retried with backoff for as long as it takes; a permanent one is narrowed
 * down by splitting, so only the deliveries that cannot be stored are failed (and dead-lettered).
 */
export class BatchingWriter implements QueueConsumer {
  private buffer: QueueDelivery[] = [];
  private bufferedRecords = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopped = false;
  private readonly retryDelay: { initial: number; max: number };

  constructor(
    private readonly store: SpanWriter,
    private readonly options: BatchingWriterOptions,
  ) {
    this.retryDelay = options.retryDelayMs ?? { initial: 200, max: 10_000 };
  }

  deliver(delivery: QueueDelivery): void {
    this.buffer.push(delivery);
    this.bufferedRecords += delivery.records.length;
    if (this.bufferedRecords >= this.options.maxBatchRecords) this.kick();
    else if (!this.timer && !this.flushing) {
      this.timer = setTimeout(() => this.kick(), this.options.maxWaitMs);
    }
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
      const batch = this.takeBatch();
      await this.write(batch, 0);
    }
  }

  private takeBatch(): QueueDelivery[] {
    const batch: QueueDelivery[] = [];
    let records = 0;
    while (this.buffer.length > 0 && (batch.length === 0 || records < this.options.maxBatchRecords)) {
      const next = this.buffer.shift() as QueueDelivery;
      records += next.records.length;
      batch.push(next);
    }
    this.bufferedRecords -= records;
    return batch;
  }

  private async write(batch: QueueDelivery[], attempt: number): Promise<void> {
    const records = batch.flatMap((d) => d.records);
    const started = performance.now();
    try {
      await this.store.insert(records);
      this.options.onInsert?.({ records: records.length, ms: performance.now() - started });
      for (const delivery of batch) delivery.ack();
    } catch (error) {
      const retry = isRetryable(error);
      this.options.onError?.(error, retry);
      if (retry) {
        if (this.stopped) {
          for (const delivery of batch) delivery.fail(error);
          return;
        }
        const delay = Math.min(this.retryDelay.max, this.retryDelay.initial * 2 ** attempt);
        await new Promise((r) => setTimeout(r, delay));
        return this.write(batch, attempt + 1);
      }
      if (batch.length === 1) {
        batch[0]?.fail(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.write(batch.slice(0, half), 0);
      await this.write(batch.slice(half), 0);
    }
  }

  /** Flushes what is buffered, within the deadline. */
  async shutdown(deadline: Deadline): Promise<void> {
    this.kick();
    while ((this.flushing || this.buffer.length > 0) && msLeft(deadline) > 0) {
      await Promise.race([this.flushing, new Promise((r) => setTimeout(r, msLeft(deadline)))]);
      if (!this.flushing && this.buffer.length > 0) this.kick();
    }
    this.stopped = true;
  }
}
