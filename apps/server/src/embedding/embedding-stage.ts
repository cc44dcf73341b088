import type {
  Deadline,
  Embedder,
  SamplingRateStore,
  SpanRecord,
  VectorEntry,
  VectorIndex,
} from '@driftwatch/contracts';
import { isRetryable, msLeft } from '@driftwatch/contracts';
import {
  AdaptiveSampler,
  BoundedQueue,
  callTexts,
  clientVectors,
  SamplingLedger,
  type CallText,
  type CallTextOptions,
} from '@driftwatch/embedding';

export interface EmbeddingStageOptions {
  embedder: Embedder;
  index: VectorIndex;
  sampling: SamplingRateStore;
  /** Calls waiting to be embedded; past it calls are dropped (and counted), never waited for. */
  capacity: number;
  /** Calls per embed() and upsert(). Default 32. */
  batchSize?: number;
  /** How often sampling windows are written. Default 10 s. */
  flushEveryMs?: number;
  retry?: { initialMs: number; maxMs: number };
  /**
   * The embedder and the index starting in the background: calls queue meanwhile and the worker waits for it;
   * false (given up or stopped) stops the stage, counting what was queued as failed.
   */
  adaptersStarted?: Promise<boolean>;
  textOptions?: Partial<CallTextOptions>;
  /** Waited for before each batch (embedded mode: while ingest keeps the process busy); resolves at once when stopping. */
  beforeBatch?: (stopping: () => boolean) => Promise<void>;
  /** Sees every batch of vectors once stored (topics assign them); must only enqueue, never throw or wait. */
  onStored?: (entries: readonly VectorEntry[]) => void;
  log: (message: string) => void;
  now?: () => number;
  random?: () => number;
}

/** One LLM call waiting to be embedded. */
export interface PendingCall {
  projectId: string;
  traceId: string;
  spanId: string;
  timeMs: number;
  model: string;
  release: string;
  /** With `vector` when the client sent this text's vector of the project's model (used as it is). */
  inputs: Array<CallText & { vector?: Float32Array }>;
  /** How many of the inputs came with the client's vector. */
  clientVectors: number;
  /** Set when the delivery it came in is acked only once its calls are stored (see observe()). */
  hold?: Hold;
}

/** The admitted calls of one held delivery not yet stored or refused for good; `done` runs when none are left. */
interface Hold {
  remaining: number;
  done: () => void;
}

export interface EmbeddingStageHealth {
  queued: number;
  capacity: number;
  /** Calls of held deliveries admitted but waiting for room in the queue. */
  waiting: number;
  /** Share of arriving calls admitted now (1 when keeping up). */
  samplingRate: number;
  seenCalls: number;
  embeddedCalls: number;
  /** Calls left out by sampling or because the queue was full. */
  sampledOutCalls: number;
  /** Calls that could not be embedded or stored (permanent errors, or given up at shutdown). */
  failedCalls: number;
  truncatedTexts: number;
  skippedNonTextParts: number;
  /** Texts stored with the vector the client sent (its model is the project's) instead of being embedded. */
  clientVectorTexts: number;
  lastError: string | null;
}

/** Most windows held between flushes before one is forced (many projects, or calls of many past minutes). */
const MAX_LEDGER_WINDOWS = 10_000;

/**
 * The LLM call of a span when it is one to embed: a model call counted for usage (not an agent or wrapper span
 * repeating it) with request or response text. Pure.
 */
export function embeddableCall(
  record: SpanRecord,
  options: Partial<CallTextOptions> = {},
  model?: { modelId: string; dimensions: number },
): PendingCall | null {
  const llm = record.llm;
  if (!llm || !llm.usageCounted) return null;
  const texts = callTexts(llm, options);
  if (texts.inputs.length === 0) return null;
  return {
    ...withClientVectors(record, texts.inputs, model),
    projectId: record.projectId,
    traceId: record.traceId,
    spanId: record.spanId,
    timeMs: Number(BigInt(record.startTimeUnixNano) / 1_000_000n),
    model: llm.responseModel || llm.requestModel,
    release: record.release,
  };
}

/**
 * The call's texts, each with the vector the client sent for it when the client's model is the project's: the
 * vector whose text is the same, or the only vector for the request when the client left its text out.
 */
function withClientVectors(
  record: SpanRecord,
  inputs: readonly CallText[],
  model: { modelId: string; dimensions: number } | undefined,
): { inputs: PendingCall['inputs']; clientVectors: number } {
  const sent =
    record.clientVectorAttributes && model ? clientVectors(record.clientVectorAttributes, model) : null;
  if (!sent || sent.status !== 'usable' || sent.vectors.length === 0)
    return { inputs: [...inputs], clientVectors: 0 };
  let used = 0;
  const withVectors = inputs.map((input) => {
    const match =
      sent.vectors.find((v) => v.text === input.text) ??
      (input.field === 'request' && sent.vectors.length === 1 && sent.vectors[0]!.text === ''
        ? sent.vectors[0]
        : undefined);
    if (!match) return { ...input };
    used++;
    return { ...input, vector: match.vector };
  });
  return { inputs: withVectors, clientVectors: used };
}

/**
 * Embeds stored LLM calls beside ingest: observe() only enqueues (or drops to a sample) and returns at once;
 * a single worker embeds batches and upserts their vectors, retrying with backoff while the embedder or the
 * index fails retryably. What arrived and what was embedded per project and minute goes to the sampling store.
 */
export class EmbeddingStage {
  private readonly queue: BoundedQueue<PendingCall>;
  /** Bounded by the held deliveries: their consumer stops fetching past its own limit of unacked records. */
  private waiting: PendingCall[] = [];
  /** The worker is retrying a failing embedder or index: the queue's fill says nothing about throughput. */
  private stalled = false;
  private readonly sampler: AdaptiveSampler;
  private readonly ledger = new SamplingLedger();
  private readonly now: () => number;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private wakeWorker: (() => void) | null = null;
  private worker: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private stopDelay: (() => void) | null = null;
  private readonly counts = {
    seenCalls: 0,
    embeddedCalls: 0,
    sampledOutCalls: 0,
    failedCalls: 0,
    truncatedTexts: 0,
    skippedNonTextParts: 0,
    clientVectorTexts: 0,
  };
  private lastError: string | null = null;

  constructor(private readonly options: EmbeddingStageOptions) {
    this.queue = new BoundedQueue(options.capacity);
    this.sampler = new AdaptiveSampler({}, options.random);
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.state !== 'new') return;
    this.state = 'running';
    this.worker = this.run();
    this.flushTimer = setInterval(() => void this.flush(), this.options.flushEveryMs ?? 10_000);
    this.flushTimer.unref();
  }

  /**
   * Takes the stored spans' LLM calls into the queue, or drops them to a sample; never waits. With `onStored`
   * (a consumer of its own that acks with it) the delivery is held instead: calls the sampler admits wait for
   * room rather than being dropped, and `onStored` runs once each is stored or refused for good, so an outage
   * of the embedder or the index pauses that consumer and loses nothing. A held delivery arriving while the
   * stage is not running is never settled: it stays unacked and is read again.
   */
  observe(records: readonly SpanRecord[], onStored?: () => void): void {
    if (this.state !== 'running') return;
    const hold: Hold | null = onStored ? { remaining: 0, done: onStored } : null;
    let added = false;
    for (const record of records) {
      const call = embeddableCall(record, this.options.textOptions, this.options.embedder);
      if (!call) continue;
      this.counts.seenCalls++;
      this.ledger.seen(call.projectId, call.timeMs);
      if (!this.sampler.admit()) {
        this.counts.sampledOutCalls++;
        continue;
      }
      if (hold) {
        call.hold = hold;
        hold.remaining++;
        if (this.waiting.length > 0 || !this.queue.push(call)) this.waiting.push(call);
        added = true;
        continue;
      }
      if (!this.queue.push(call)) {
        this.counts.sampledOutCalls++;
        this.observeFill(1);
        continue;
      }
      added = true;
    }
    this.observeFill(this.queue.length / this.queue.capacity);
    if (hold && hold.remaining === 0) hold.done();
    if (this.ledger.size() > MAX_LEDGER_WINDOWS) void this.flush();
    if (added) this.wakeWorker?.();
  }

  health(): EmbeddingStageHealth {
    return {
      queued: this.queue.length,
      capacity: this.queue.capacity,
      waiting: this.waiting.length,
      samplingRate: this.sampler.rate,
      ...this.counts,
      lastError: this.lastError,
    };
  }

  /** Empties the queue: calls of held deliveries are read again later (unacked), the others are lost. */
  private dropQueued(): void {
    const dropped = [...this.queue.clear(), ...this.waiting];
    this.waiting = [];
    this.counts.failedCalls += dropped.filter((call) => !call.hold).length;
  }

  /** A stalled worker leaves the rate alone: an outage must pause held deliveries, not sample them away. */
  private observeFill(fill: number): void {
    if (!this.stalled) this.sampler.observeFill(fill, this.now());
  }

  /** Refused for good: failed, and their deliveries may be acked. Stopped: only calls not held are lost. */
  private failed(batch: readonly PendingCall[], why: 'permanent' | 'stopped'): void {
    if (why === 'permanent') {
      this.counts.failedCalls += batch.length;
      this.settle(batch);
    } else {
      this.counts.failedCalls += batch.filter((call) => !call.hold).length;
    }
  }

  /** The calls are stored or refused for good: their held deliveries may be acked. */
  private settle(batch: readonly PendingCall[]): void {
    for (const call of batch) {
      if (call.hold && --call.hold.remaining === 0) call.hold.done();
    }
  }

  /** The adapters will not start: queued calls are counted as failed, arriving ones are no longer taken. */
  private stopTaking(): void {
    this.state = 'stopped';
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.dropQueued();
    void this.flush();
  }

  /** Stops taking calls, embeds what is queued until half the deadline, then writes the sampling windows. */
  async shutdown(deadline: Deadline): Promise<void> {
    if (this.state === 'stopped' || this.state === 'new') {
      this.state = 'stopped';
      await this.flushing;
      return;
    }
    this.state = 'stopping';
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.wakeWorker?.();
    let timer: NodeJS.Timeout | undefined;
    const half = new Promise<void>((r) => (timer = setTimeout(r, msLeft(deadline) / 2)));
    await Promise.race([this.worker, half]);
    clearTimeout(timer);
    this.state = 'stopped';
    this.stopDelay?.();
    this.wakeWorker?.();
    this.dropQueued();
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, msLeft(deadline)))]);
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 32;
    if (this.options.adaptersStarted && !(await this.options.adaptersStarted)) {
      if (this.state === 'running') this.stopTaking();
      return;
    }
    while (this.state === 'running' || (this.state === 'stopping' && this.queue.length > 0)) {
      if (this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wakeWorker = resolve));
        this.wakeWorker = null;
        continue;
      }
      await this.options.beforeBatch?.(() => this.state !== 'running');
      const batch = this.queue.take(batchSize);
      for (const call of this.waiting.splice(0, this.queue.capacity - this.queue.length))
        this.queue.push(call);
      await this.embedAndStore(batch);
      this.observeFill(this.queue.length / this.queue.capacity);
    }
  }

  private async embedAndStore(batch: PendingCall[]): Promise<void> {
    // Texts the client sent vectors for are not embedded again.
    const texts = batch.flatMap((call) =>
      call.inputs.filter((input) => !input.vector).map((input) => input.text),
    );
    const embedded =
      texts.length === 0
        ? { vectors: [], truncated: [] }
        : await this.retrying('embedding', () => this.options.embedder.embed(texts));
    if (embedded === 'permanent' && batch.length > 1) {
      // One text the embedder refuses must not cost its batch-mates: try them one by one.
      for (const call of batch) await this.embedAndStore([call]);
      return;
    }
    if (typeof embedded === 'string') {
      this.failed(batch, embedded);
      return;
    }
    const entries: VectorEntry[] = [];
    let i = 0;
    for (const call of batch) {
      for (const input of call.inputs) {
        entries.push({
          projectId: call.projectId,
          traceId: call.traceId,
          spanId: call.spanId,
          field: input.field,
          timeMs: call.timeMs,
          model: call.model,
          release: call.release,
          topicId: null,
          vector: input.vector ?? (embedded.vectors[i++] as Float32Array),
        });
      }
    }
    const stored = await this.retrying('storing vectors', () => this.options.index.upsert(entries));
    if (stored === 'permanent' || stored === 'stopped') {
      this.failed(batch, stored);
      return;
    }
    this.settle(batch);
    this.options.onStored?.(entries);
    this.counts.embeddedCalls += batch.length;
    for (const call of batch) this.counts.clientVectorTexts += call.clientVectors;
    this.counts.truncatedTexts += embedded.truncated.length;
    for (const call of batch) this.ledger.embedded(call.projectId, call.timeMs);
  }

  /** Runs `step` until it succeeds, waiting with backoff after retryable errors; gives up when stopped. */
  private async retrying<T>(what: string, step: () => Promise<T>): Promise<T | 'permanent' | 'stopped'> {
    const { initialMs, maxMs } = this.options.retry ?? { initialMs: 250, maxMs: 10_000 };
    for (let attempt = 0; ; attempt++) {
      if (this.state === 'stopped') return 'stopped';
      try {
        const result = await step();
        this.stalled = false;
        return result;
      } catch (error) {
        const message = `${what} failed: ${(error as Error).message}`;
        if (message !== this.lastError) this.options.log(`embedder: ${message}`);
        this.lastError = message;
        this.stalled = isRetryable(error);
        if (!this.stalled) return 'permanent';
        const delay = Math.min(maxMs, initialMs * 2 ** attempt);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.stopDelay = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.stopDelay = null;
      }
    }
  }

  /** Writes the windows counted so far; on failure they are kept and added to the next flush. */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      const windows = this.ledger.drain();
      try {
        await this.options.sampling.add(windows);
      } catch (error) {
        this.ledger.restore(windows);
        this.options.log(`embedder: storing sampling windows failed: ${(error as Error).message}`);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }
}
