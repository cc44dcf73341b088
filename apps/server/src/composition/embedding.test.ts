import { describe, expect, it } from 'vitest';
import type {
  Embedder,
  EmbeddingBatch,
  QueueConsumer,
  SamplingRateStore,
  SamplingWindow,
  SpanRecord,
  VectorEntry,
  VectorFilter,
  VectorIndex,
  VectorMatch,
} from '@driftwatch/contracts';
import { deadlineIn, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { assembleEmbedding, type Embedding } from './embedding.js';

const T0 = 1_700_000_040_000;

function llmSpan(spanId: string, question: string): SpanRecord {
  return {
    projectId: 'p1',
    traceId: 't'.repeat(32),
    spanId,
    startTimeUnixNano: `${T0}000000`,
    release: 'v1',
    llm: {
      operation: 'chat',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'an answer' }] }],
      systemInstructions: [],
      usageCounted: true,
    },
  } as unknown as SpanRecord;
}

class FakeEmbedder implements Embedder {
  readonly modelId = 'fake';
  readonly dimensions = 2;
  private started = false;
  async start() {
    this.started = true;
  }
  async shutdown() {
    this.started = false;
  }
  isReady() {
    return this.started;
  }
  async embed(texts: readonly string[]): Promise<EmbeddingBatch> {
    if (!this.started) throw new UnavailableError('embedder not started');
    return { vectors: texts.map(() => Float32Array.of(1, 0)), truncated: [] };
  }
}

/** An in-memory index following the contract: UnavailableError before start(); start() fails as told. */
class FakeIndex implements VectorIndex {
  readonly dimensions = 2;
  readonly maxSampleSize = 100;
  entries = new Map<string, VectorEntry>();
  startAttempts = 0;
  private started = false;
  constructor(private readonly startFailures: Error[]) {}
  async start() {
    this.startAttempts++;
    const failure = this.startFailures.shift();
    if (failure) throw failure;
    this.started = true;
  }
  async shutdown() {
    this.started = false;
  }
  async isReady() {
    return this.started;
  }
  private running() {
    if (!this.started) throw new UnavailableError('vector index is not started');
  }
  async upsert(entries: readonly VectorEntry[]) {
    this.running();
    for (const e of entries) this.entries.set(`${e.projectId}/${e.spanId}/${e.field}`, e);
  }
  async nearest(_vector: Float32Array, k: number, filter: VectorFilter): Promise<VectorMatch[]> {
    this.running();
    return [...this.entries.values()]
      .filter((e) => e.projectId === filter.projectId && (!filter.field || e.field === filter.field))
      .slice(0, k)
      .map(({ vector: _v, ...meta }) => ({ ...meta, distance: 0 }));
  }
  async sample(): Promise<VectorEntry[]> {
    this.running();
    return [];
  }
  async latestTimeMs(): Promise<number | null> {
    this.running();
    return null;
  }
  async deleteOlderThan() {
    this.running();
  }
}

class FakeSampling implements SamplingRateStore {
  added: SamplingWindow[] = [];
  async add(windows: readonly SamplingWindow[]) {
    this.added.push(...windows);
  }
  async windows() {
    return [];
  }
}

/** What the writer does in embedded mode: stores, then acks. */
const storingWriter: QueueConsumer = { deliver: (delivery) => delivery.ack() };

function deliver(embedding: Embedding, records: SpanRecord[]): void {
  embedding.wrapWriter(storingWriter).deliver({ records, ack: () => undefined, fail: () => undefined });
}

/** Polls until `check` passes; the timeout is a guard only. */
async function eventually(check: () => Promise<boolean> | boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function assemble(index: FakeIndex, log: string[] = []) {
  return assembleEmbedding({
    embedder: new FakeEmbedder(),
    index,
    indexKind: 'weaviate',
    stage: { sampling: new FakeSampling(), capacity: 100, ownQueue: null },
    retry: { initialMs: 5, maxMs: 20 },
    log: (line) => log.push(line),
  });
}

describe('assembleEmbedding', () => {
  it('retries an index that fails to start and becomes ready without a restart, embedding what waited', async () => {
    const index = new FakeIndex([
      new RetryableError('Weaviate unreachable'),
      new RetryableError('Weaviate unreachable'),
    ]);
    const log: string[] = [];
    const embedding = await assemble(index, log);
    // Before the index starts: not ready, with the reason, and the similar-calls route has nothing to use.
    const before = await embedding.check();
    expect(before.ready).toBe(false);
    expect(before.reason).toBe('vector index not started: Weaviate unreachable (retrying)');
    expect(embedding.index).toBeNull();
    deliver(embedding, [llmSpan('a1', 'a question asked while the index is down')]);

    await eventually(async () => (await embedding.check()).ready);
    expect(index.startAttempts).toBe(3);
    expect(embedding.index).toBe(index);
    expect(embedding.embedder?.modelId).toBe('fake');
    await eventually(() => index.entries.size === 2);
    expect([...index.entries.keys()].sort()).toEqual(['p1/a1/request', 'p1/a1/response']);
    deliver(embedding, [llmSpan('a2', 'a question asked after it started')]);
    await eventually(() => index.entries.size === 4);
    expect(await embedding.check()).toMatchObject({ ready: true, seenCalls: 2, embeddedCalls: 2 });
    // The same outage is logged once, not once per attempt.
    expect(log.filter((l) => l.includes('Weaviate unreachable'))).toHaveLength(1);
    await embedding.shutdown(deadlineIn(1_000));
  });

  it('gives up on a permanent start failure and says why; shutdown counts nothing as embedded', async () => {
    const index = new FakeIndex([new PermanentError('API key refused')]);
    const embedding = await assemble(index);
    await eventually(async () => (await embedding.check()).reason?.includes('API key refused') ?? false);
    deliver(embedding, [llmSpan('b1', 'question')]);
    const check = await embedding.check();
    expect(check).toMatchObject({ ready: false, embeddedCalls: 0 });
    expect(check.reason).not.toContain('retrying');
    expect(index.startAttempts).toBe(1);
    expect(embedding.index).toBeNull();
    await embedding.shutdown(deadlineIn(1_000));
  });

  it('stops retrying at shutdown, with the calls that waited counted as failed', async () => {
    const index = new FakeIndex(Array.from({ length: 1_000 }, () => new RetryableError('down')));
    const embedding = await assemble(index);
    deliver(embedding, [llmSpan('c1', 'question')]);
    await eventually(() => index.startAttempts >= 2);
    await embedding.shutdown(deadlineIn(1_000));
    const attempts = index.startAttempts;
    expect(await embedding.check()).toMatchObject({ ready: false, failedCalls: 1, embeddedCalls: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(index.startAttempts).toBe(attempts);
  });
});
