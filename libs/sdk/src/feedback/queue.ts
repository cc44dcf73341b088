import { DriftwatchError, FeedbackDeliveryError, FeedbackQueueFullError } from '../errors.js';
import { toFeedbackItem, type FeedbackInput, type FeedbackItem } from './item.js';
import { backoffMs, isRetryableStatus, retryAfterMs } from './retry.js';

export interface FeedbackQueueOptions {
  /** Driftwatch base URL; items go to `${endpoint}/api/feedback`. */
  endpoint: string;
  apiKey: string;
  /** Items waiting or in flight before `feedback()` throws FeedbackQueueFullError (default 10,000). */
  maxQueueSize?: number;
  /** Bytes (JSON) waiting or in flight before `feedback()` throws FeedbackQueueFullError (default 16 MiB). */
  maxQueueBytes?: number;
  /** Items per request, at most 500 (the server's limit; default 100). */
  batchSize?: number;
  /** A request also stops growing at this many bytes, with at least one item (default 1 MiB). */
  maxBatchBytes?: number;
  /** How often waiting items are sent when fewer than a batch are waiting (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Tries per batch on 408/429/5xx and network errors before its items are reported undelivered (default 8). */
  maxAttempts?: number;
  /** First backoff step, doubled per attempt up to maxBackoffMs (defaults 500 ms and 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After honoured (default 5 minutes). */
  maxRetryAfterMs?: number;
  /** Per-request timeout (default 10 s); a timeout is retried. */
  requestTimeoutMs?: number;
  /** Told about every batch that could not be delivered (default: a console warning). */
  onError?: (error: FeedbackDeliveryError) => void;
  /** Seams for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  newKey?: () => string;
}

export interface FeedbackStats {
  /** Items the server stored (new) or recognised as already stored (duplicates). */
  accepted: number;
  duplicates: number;
  /** Items given up on (refused, retries exhausted, or still waiting at shutdown). */
  failed: number;
  /** Items waiting or in flight now. */
  queued: number;
  /** Requests sent, retries included. */
  requests: number;
}

interface Entry {
  item: FeedbackItem;
  bytes: number;
}

type Outcome =
  | { kind: 'done'; accepted: number; duplicates: number }
  | { kind: 'retry'; reason: string; status?: number; waitMs: number | null }
  | { kind: 'fail'; reason: string; status?: number };

/** Errors kept for flush() to report; counts beyond are still in stats().failed. */
const MAX_KEPT_ERRORS = 100;

/**
 * Bounded buffer of feedback items sent in batches by one sender loop, so items leave in order and at most one
 * request is in flight. A full buffer refuses new items (the caller sees FeedbackQueueFullError) instead of
 * dropping old ones. Every item carries its idempotency key from the start, so a batch retried after a lost answer
 * is stored once.
 */
export class FeedbackQueue {
  private readonly pending: Entry[] = [];
  private inFlight: Entry[] = [];
  private queuedBytes = 0;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly errors: FeedbackDeliveryError[] = [];
  private readonly counts = { accepted: 0, duplicates: 0, failed: 0, requests: 0 };
  private readonly url: string;
  private readonly o: Required<Omit<FeedbackQueueOptions, 'endpoint' | 'apiKey'>>;

  constructor(private readonly options: FeedbackQueueOptions) {
    this.url = `${options.endpoint.replace(/\/+$/, '')}/api/feedback`;
    const batchSize = options.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 500) {
      throw new DriftwatchError('feedback batchSize must be an integer from 1 to 500');
    }
    this.o = {
      maxQueueSize: options.maxQueueSize ?? 10_000,
      maxQueueBytes: options.maxQueueBytes ?? 16 * 1024 * 1024,
      batchSize,
      maxBatchBytes: options.maxBatchBytes ?? 1024 * 1024,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxAttempts: Math.max(1, options.maxAttempts ?? 8),
      initialBackoffMs: options.initialBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 5 * 60_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      onError: options.onError ?? ((error) => console.warn(`[driftwatch] ${error.message}`)),
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      sleep: options.sleep ?? abortableSleep,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      newKey: options.newKey ?? (() => globalThis.crypto.randomUUID()),
    };
  }

  /**
   * Validates and buffers one item; returns its idempotency key. Throws FeedbackValidationError for an item the
   * server would refuse and FeedbackQueueFullError when the buffer is full (the item is not kept).
   */
  enqueue(input: FeedbackInput): string {
    if (this.closed) throw new DriftwatchError('feedback after shutdown(): the item was not kept');
    const item = toFeedbackItem(input, this.o.now(), this.o.newKey);
    const bytes = utf8Length(JSON.stringify(item));
    const count = this.pending.length + this.inFlight.length;
    if (count >= this.o.maxQueueSize || this.queuedBytes + bytes > this.o.maxQueueBytes) {
      throw new FeedbackQueueFullError(
        `feedback buffer full (${count} items, ${this.queuedBytes} bytes waiting; limits ${this.o.maxQueueSize} items, ` +
          `${this.o.maxQueueBytes} bytes): Driftwatch is not taking feedback as fast as it comes; the item was not kept`,
      );
    }
    this.pending.push({ item, bytes });
    this.queuedBytes += bytes;
    this.startTimer();
    if (this.pending.length >= this.o.batchSize) void this.kick();
    return item.idempotencyKey;
  }

  /**
   * Sends everything buffered (retrying as configured). Rejects with a FeedbackDeliveryError when items buffered
   * so far could not be delivered (also told to onError); each failure is reported by one flush only.
   */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.running) await this.kick();
    const errors = this.errors.splice(0);
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      throw new FeedbackDeliveryError(
        `${errors.length} feedback batches were not delivered; first: ${errors[0]?.message}`,
        errors.flatMap((e) => e.idempotencyKeys),
        errors.at(-1)?.status,
      );
    }
  }

  /**
   * Stops taking items and sends what is buffered. After `timeoutMs` the retries in progress are cut short and
   * the items still waiting are reported undelivered.
   */
  async shutdown(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = setTimeout(() => this.abort.abort(), timeoutMs);
    try {
      await this.flush();
    } finally {
      clearTimeout(deadline);
    }
  }

  stats(): FeedbackStats {
    return { ...this.counts, queued: this.pending.length + this.inFlight.length };
  }

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.kick(), this.o.flushIntervalMs);
    // A waiting batch must not keep the process alive; shutdown() (or beforeExit, see client.ts) sends it.
    this.timer.unref?.();
  }

  private kick(): Promise<void> {
    this.running ??= this.sendAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sendAll(): Promise<void> {
    while (this.pending.length > 0) {
      this.inFlight = this.takeBatch();
      await this.deliver(this.inFlight);
      for (const entry of this.inFlight) this.queuedBytes -= entry.bytes;
      this.inFlight = [];
    }
  }

  private takeBatch(): Entry[] {
    let count = 0;
    let bytes = 0;
    for (const entry of this.pending) {
      if (count >= this.o.batchSize || (count > 0 && bytes + entry.bytes > this.o.maxBatchBytes)) break;
      count += 1;
      bytes += entry.bytes;
    }
    return this.pending.splice(0, count);
  }

  private async deliver(batch: Entry[]): Promise<void> {
    const body = JSON.stringify({ items: batch.map((e) => e.item) });
    for (let attempt = 1; ; attempt++) {
      const outcome: Outcome = this.abort.signal.aborted
        ? { kind: 'fail', reason: 'shutdown timed out before it was sent' }
        : await this.post(body);
      if (outcome.kind === 'done') {
        this.counts.accepted += outcome.accepted;
        this.counts.duplicates += outcome.duplicates;
        return;
      }
      if (outcome.kind === 'retry' && attempt < this.o.maxAttempts && !this.abort.signal.aborted) {
        const wait =
          outcome.waitMs ?? backoffMs(attempt, this.o.initialBackoffMs, this.o.maxBackoffMs, this.o.random);
        await this.o.sleep(wait, this.abort.signal).catch(() => undefined);
        continue;
      }
      if (outcome.kind === 'fail' && batch.length > 1 && (outcome.status === 400 || outcome.status === 413)) {
        return this.deliverGoodItems(batch, outcome.reason, outcome.status);
      }
      const tries = outcome.kind === 'retry' ? ` after ${attempt} attempts` : '';
      this.fail(batch, `${outcome.reason}${tries}`, outcome.status);
      return;
    }
  }

  /**
   * A refused batch is refused whole (one item's value can break a project's rubric, which only the server knows):
   * the items the 400 names (`items[3].value: ...`) are reported and the others sent again; without names (or on
   * 413) the batch is halved until the bad items stand alone.
   */
  private async deliverGoodItems(batch: Entry[], reason: string, status: number): Promise<void> {
    const named = new Set([...reason.matchAll(/items\[(\d+)\]/g)].map((m) => Number(m[1])));
    const bad = status === 400 ? batch.filter((_, i) => named.has(i)) : [];
    if (bad.length > 0) {
      this.fail(bad, reason, status);
      const rest = batch.filter((_, i) => !named.has(i));
      if (rest.length > 0) await this.deliver(rest);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await this.deliver(batch.slice(0, half));
    await this.deliver(batch.slice(half));
  }

  private async post(body: string): Promise<Outcome> {
    this.counts.requests += 1;
    let response: Response;
    try {
      response = await this.o.fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.requestTimeoutMs)]),
      });
    } catch (error) {
      if (this.abort.signal.aborted)
        return { kind: 'fail', reason: 'shutdown timed out while it was being sent' };
      return { kind: 'retry', reason: `network error: ${errorText(error)}`, waitMs: null };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      const answer = parseAnswer(text);
      return { kind: 'done', accepted: answer.accepted, duplicates: answer.duplicates };
    }
    const reason = `POST /api/feedback answered ${response.status}: ${text.slice(0, 2000)}`;
    if (!isRetryableStatus(response.status)) return { kind: 'fail', reason, status: response.status };
    const waitMs = retryAfterMs(response.headers.get('retry-after'), this.o.now(), this.o.maxRetryAfterMs);
    return { kind: 'retry', reason, status: response.status, waitMs };
  }

  private fail(batch: Entry[], reason: string, status?: number): void {
    this.counts.failed += batch.length;
    const error = new FeedbackDeliveryError(
      `${batch.length} feedback item(s) not delivered: ${reason}`,
      batch.map((e) => e.item.idempotencyKey),
      status,
    );
    if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push(error);
    try {
      this.o.onError(error);
    } catch {
      // a throwing handler must not stop the sender loop
    }
  }
}

function parseAnswer(text: string): { accepted: number; duplicates: number } {
  try {
    const body = JSON.parse(text) as { accepted?: unknown; duplicates?: unknown };
    return {
      accepted: typeof body.accepted === 'number' ? body.accepted : 0,
      duplicates: typeof body.duplicates === 'number' ? body.duplicates : 0,
    };
  } catch {
    return { accepted: 0, duplicates: 0 };
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
