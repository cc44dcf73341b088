import { describe, expect, it } from 'vitest';
import type {
  Embedder,
  EmbeddingBatch,
  QueueDelivery,
  SamplingRateStore,
  SamplingWindow,
  SpanRecord,
  VectorEntry,
  VectorIndex,
} from '@driftwatch/contracts';
import { deadlineIn, PermanentError, RetryableError } from '@driftwatch/contracts';
import { EmbeddingStage, embeddableCall } from './embedding-stage.js';
import { tapStored } from './stored-tap.js';

const T0 = 1_700_000_040_000; // a whole minute

function llmSpan(spanId: string, question: string, answer = 'an answer', counted = true): SpanRecord {
  return {
    projectId: 'p1',
    traceId: 't'.repeat(32),
    spanId,
    startTimeUnixNano: `${T0 + 1500}000000`,
    release: 'v7',
    llm: {
      operation: 'chat',
      requestModel: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: question }] }],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: answer }] }],
      systemInstructions: [],
      usageCounted: counted,
    },
  } as unknown as SpanRecord;
}

/** Each text as a 2-d unit vector; embed() waits for `gate` when one is set. */
class FakeEmbedder implements Embedder {
  readonly modelId = 'fake';
  readonly dimensions = 2;
  calls: string[][] = [];
  gate: Promise<void> | null = null;
  failures: Error[] = [];
  async start() {}
  async shutdown() {}
  isReady() {
    return true;
  }
  async embed(texts: readonly string[]): Promise<EmbeddingBatch> {
    this.calls.push([...texts]);
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    return { vectors: texts.map(() => Float32Array.of(1, 0)), truncated: [] };
  }
}

class FakeIndex {
  entries = new Map<string, VectorEntry>();
  /** While set, upsert() fails with it (an index outage). */
  down: Error | null = null;
  async upsert(entries: readonly VectorEntry[]) {
    if (this.down) throw this.down;
    for (const e of entries) this.entries.set(`${e.projectId}/${e.spanId}/${e.field}`, e);
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

function stage(
  embedder: FakeEmbedder,
  index: FakeIndex,
  sampling: FakeSampling,
  capacity = 100,
  random = Math.random,
) {
  return new EmbeddingStage({
    embedder,
    index: index as unknown as VectorIndex,
    sampling,
    capacity,
    batchSize: 8,
    retry: { initialMs: 1, maxMs: 5 },
    log: () => undefined,
    random,
  });
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('embeddableCall', () => {
  it('takes counted model calls with text, request and response apart', () => {
    const call = embeddableCall(llmSpan('a1', 'how do I reset my password?'));
    expect(call).toMatchObject({
      projectId: 'p1',
      spanId: 'a1',
      timeMs: T0 + 1500,
      model: 'gpt-4o-mini-2024',
      release: 'v7',
      inputs: [
        { field: 'request', text: 'how do I reset my password?' },
        { field: 'response', text: 'an answer' },
      ],
    });
  });

  it('leaves out wrapper spans, spans without an LLM call and calls without text', () => {
    expect(embeddableCall(llmSpan('a2', 'q', 'a', false))).toBeNull();
    expect(embeddableCall({ ...llmSpan('a3', 'q'), llm: null })).toBeNull();
    expect(embeddableCall(llmSpan('a4', '   ', ''))).toBeNull();
  });
});

describe('EmbeddingStage with client-sent vectors', () => {
  const withVectors = (spanId: string, model: string): SpanRecord => ({
    ...llmSpan(spanId, 'where is my parcel?'),
    clientVectorAttributes: {
      'embedding.model_name': model,
      'embedding.embeddings.0.embedding.text': 'where is my parcel?',
      'embedding.embeddings.0.embedding.vector': [0, 3],
    },
  });

  it("stores the client's vector (unit length) for its text and embeds only the rest", async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    const s = stage(embedder, index, sampling);
    s.start();
    s.observe([withVectors('c1', 'fake')]);
    await settle();
    expect(embedder.calls).toEqual([['an answer']]);
    expect([...index.entries.get('p1/c1/request')!.vector]).toEqual([0, 1]);
    expect([...index.entries.get('p1/c1/response')!.vector]).toEqual([1, 0]);
    expect(s.health()).toMatchObject({ embeddedCalls: 1, clientVectorTexts: 1 });
  });

  it("embeds the text itself when the client's vectors come from another model", async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    const s = stage(embedder, index, sampling);
    s.start();
    s.observe([withVectors('c2', 'text-embedding-3-small')]);
    await settle();
    expect(embedder.calls).toEqual([['where is my parcel?', 'an answer']]);
    expect([...index.entries.get('p1/c2/request')!.vector]).toEqual([1, 0]);
    expect(s.health()).toMatchObject({ clientVectorTexts: 0 });
  });
});

describe('EmbeddingStage', () => {
  it('embeds request and response as separate vectors with their metadata, and records the window', async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    const s = stage(embedder, index, sampling);
    s.start();
    s.observe([llmSpan('b1', 'first question'), llmSpan('b2', 'second question')]);
    await settle();
    expect([...index.entries.keys()].sort()).toEqual([
      'p1/b1/request',
      'p1/b1/response',
      'p1/b2/request',
      'p1/b2/response',
    ]);
    expect(index.entries.get('p1/b1/request')).toMatchObject({
      traceId: 't'.repeat(32),
      timeMs: T0 + 1500,
      model: 'gpt-4o-mini-2024',
      release: 'v7',
      topicId: null,
    });
    await s.shutdown(deadlineIn(1000));
    expect(sampling.added).toEqual([{ projectId: 'p1', windowStartMs: T0, seen: 2, embedded: 2 }]);
    expect(s.health()).toMatchObject({ seenCalls: 2, embeddedCalls: 2, failedCalls: 0 });
  });

  it('never waits on a stuck embedder: past its capacity it drops calls and lowers the rate', async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    let release!: () => void;
    embedder.gate = new Promise((r) => (release = r));
    const s = stage(embedder, index, sampling, 20, () => 0.99);
    s.start();
    for (let i = 0; i < 100; i++) s.observe([llmSpan(`c${i}`, `question ${i}`)]); // returns at once every time
    const health = s.health();
    expect(health.queued).toBeLessThanOrEqual(20);
    expect(health.seenCalls).toBe(100);
    expect(health.sampledOutCalls).toBeGreaterThan(0);
    expect(health.samplingRate).toBeLessThan(1);
    release();
    embedder.gate = null;
    await s.shutdown(deadlineIn(2000));
    const [window] = sampling.added;
    expect(window?.seen).toBe(100);
    expect(window?.embedded).toBe(s.health().embeddedCalls);
    expect(window?.embedded).toBeLessThan(100);
    expect(index.entries.size).toBe(2 * (window?.embedded ?? 0));
  });

  it('retries retryable failures and isolates a text the embedder refuses for good', async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    embedder.failures = [
      new RetryableError('busy'),
      new PermanentError('bad text'),
      new PermanentError('still bad'),
    ];
    const s = stage(embedder, index, sampling);
    s.start();
    s.observe([llmSpan('d1', 'one'), llmSpan('d2', 'two')]);
    await settle();
    await s.shutdown(deadlineIn(1000));
    // busy -> retried; the batch refused -> one by one: d1 refused, d2 stored.
    expect([...index.entries.keys()].sort()).toEqual(['p1/d2/request', 'p1/d2/response']);
    expect(s.health()).toMatchObject({
      embeddedCalls: 1,
      failedCalls: 1,
      lastError: 'embedding failed: still bad',
    });
    expect(sampling.added).toEqual([{ projectId: 'p1', windowStartMs: T0, seen: 2, embedded: 1 }]);
  });
});

describe('EmbeddingStage with held deliveries', () => {
  /** Polls until `check` passes; the timeout is a guard only. */
  async function eventually(check: () => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('acks a delivery only once its calls are stored; an index outage holds every delivery, none dropped', async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    index.down = new RetryableError('Weaviate unreachable');
    let clock = T0;
    // Every reading of the clock is 2 s later, so the sampler could change its rate at each one; it admits
    // a call only while the rate is 1.
    const s = new EmbeddingStage({
      embedder,
      index: index as unknown as VectorIndex,
      sampling,
      capacity: 4,
      batchSize: 8,
      retry: { initialMs: 1, maxMs: 5 },
      log: () => undefined,
      random: () => 0.99,
      now: () => (clock += 2_000),
    });
    s.start();
    const acked: number[] = [];
    s.observe([llmSpan('h0-0', 'first question')], () => acked.push(0));
    await eventually(() => s.health().lastError === 'storing vectors failed: Weaviate unreachable');
    for (let d = 1; d <= 4; d++) {
      const records = [0, 1, 2].map((i) => llmSpan(`h${d}-${i}`, `question ${d}.${i}`));
      s.observe(records, () => acked.push(d));
    }
    await settle();
    // 13 calls and a queue of 4: the rest wait for room; the full queue of a stalled worker lowers no rate.
    expect(acked).toEqual([]);
    expect(s.health()).toMatchObject({
      seenCalls: 13,
      sampledOutCalls: 0,
      samplingRate: 1,
      embeddedCalls: 0,
    });
    expect(s.health().waiting).toBeGreaterThan(0);

    index.down = null;
    await eventually(() => acked.length === 5);
    expect(acked).toEqual([0, 1, 2, 3, 4]);
    expect(index.entries.size).toBe(26);
    expect(s.health()).toMatchObject({ embeddedCalls: 13, failedCalls: 0, queued: 0, waiting: 0 });
    await s.shutdown(deadlineIn(1000));
  });

  it('acks at once what has nothing to embed, and a call refused for good', async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    embedder.failures = [new PermanentError('text refused')];
    const s = stage(embedder, index, sampling);
    s.start();
    let wrapperAcked = false;
    s.observe([llmSpan('w1', 'q', 'a', false)], () => (wrapperAcked = true));
    expect(wrapperAcked).toBe(true);
    let refusedAcked = false;
    s.observe([llmSpan('r1', 'refused question')], () => (refusedAcked = true));
    await eventually(() => refusedAcked);
    expect(s.health()).toMatchObject({ failedCalls: 1, embeddedCalls: 0 });
    await s.shutdown(deadlineIn(1000));
  });

  it('leaves a delivery unacked when it stops during an outage (it is read again), counting none as failed', async () => {
    const [embedder, index, sampling] = [new FakeEmbedder(), new FakeIndex(), new FakeSampling()];
    index.down = new RetryableError('Weaviate unreachable');
    const s = stage(embedder, index, sampling, 2);
    s.start();
    let acked = false;
    s.observe(
      [1, 2, 3, 4].map((i) => llmSpan(`s${i}`, `question ${i}`)),
      () => (acked = true),
    );
    await eventually(() => embedder.calls.length > 0);
    await s.shutdown(deadlineIn(200));
    expect(acked).toBe(false);
    expect(s.health()).toMatchObject({ embeddedCalls: 0, failedCalls: 0, queued: 0, waiting: 0 });
    expect(index.entries.size).toBe(0);
  });
});

describe('tapStored', () => {
  it('acks the queue before the observer sees the stored records, without the rejected ones', () => {
    const order: string[] = [];
    const records = [llmSpan('e1', 'q1'), llmSpan('e2', 'q2')];
    const tapped = tapStored(
      { deliver: (d) => d.ack([{ record: records[1] as SpanRecord, reason: 'bad' }]) },
      (stored) => order.push(`observed ${stored.map((r) => r.spanId).join(',')}`),
      () => undefined,
    );
    const delivery: QueueDelivery = {
      records,
      ack: (rejected) => order.push(`acked ${rejected?.length ?? 0} rejected`),
      fail: () => order.push('failed'),
    };
    tapped.deliver(delivery);
    expect(order).toEqual(['acked 1 rejected', 'observed e1']);
  });

  it('shows nothing of a failed delivery, and an observer error does not reach the queue', () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const failing = tapStored(
      { deliver: (d) => d.fail(new Error('down')) },
      () => seen.push('x'),
      (e) => errors.push(e),
    );
    let failed = false;
    failing.deliver({ records: [llmSpan('f1', 'q')], ack: () => undefined, fail: () => (failed = true) });
    expect(failed).toBe(true);
    expect(seen).toEqual([]);
    const throwing = tapStored(
      { deliver: (d) => d.ack() },
      () => {
        throw new Error('observer broke');
      },
      (e) => errors.push(e),
    );
    let acked = false;
    throwing.deliver({ records: [llmSpan('f2', 'q')], ack: () => (acked = true), fail: () => undefined });
    expect(acked).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
