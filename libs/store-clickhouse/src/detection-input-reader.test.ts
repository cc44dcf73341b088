import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { DetectorSettings, VectorEntry, VectorIndex, VectorSampleRequest } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseDetectionInputReader } from './detection-input-reader.js';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
import { ClickHouseFeedbackStore } from './feedback-store.js';
import { ClickHouseTopicStore } from './topic-store.js';
import { embeddedForTests } from './test-support.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const P = 'p-detect-input';
const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
const current = { fromMs: T0 + 24 * HOUR, toMs: T0 + 25 * HOUR };

const settings: DetectorSettings = {
  enabled: ['latency'],
  falseAlarmRate: 0.01,
  minSamples: 10,
  minEffect: 0.1,
  dimensions: ['model'],
  baseline: 'trailing',
  windowMs: HOUR,
  baselineWindows: 2,
};

let client: ReturnType<typeof embeddedForTests>['client'];
let database: string;
const root = spanRecord({ projectId: P, llm: null, startTimeUnixNano: nanos(current.fromMs + 1000) });
const failedCall = spanRecord({
  projectId: P,
  traceId: root.traceId,
  parentSpanId: root.spanId,
  startTimeUnixNano: nanos(current.fromMs + 2000),
  durationNs: 1_500_000_000,
  status: 'error',
  promptName: 'support',
  promptVersion: '3',
  release: '2.4.0',
  llm: llmCall({
    costUsd: 0.002,
    inputMessages: [
      { role: 'user', parts: [{ type: 'text', content: 'first question' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'an answer' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Where is my "card" PIN?' }] },
    ],
  }),
});

beforeAll(async () => {
  ({ client, database } = embeddedForTests());
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 365 });
  await writer.start();
  await writer.insert([
    root,
    // A call in the current window, failed, priced, with a prompt, under the root (agent spans are not calls).
    failedCall,
    // Baseline: two hours before; one call three hours before is outside it.
    spanRecord({ projectId: P, startTimeUnixNano: nanos(current.fromMs - HOUR), release: '2.3.0' }),
    spanRecord({ projectId: P, startTimeUnixNano: nanos(current.fromMs - 2 * HOUR), release: '2.4.0' }),
    spanRecord({ projectId: P, startTimeUnixNano: nanos(current.fromMs - 3 * HOUR) }),
    // Another project's call in the same window.
    spanRecord({ projectId: 'someone-else', startTimeUnixNano: nanos(current.fromMs + 3000) }),
    // A call without a price.
    spanRecord({
      projectId: P,
      startTimeUnixNano: nanos(current.fromMs + 4000),
      llm: llmCall({ costUsd: null, responseModel: '', requestModel: 'my-model' }),
    }),
  ]);
});

/** A vector index that records its sample requests. */
function fakeIndex(fail = false): VectorIndex & { requests: VectorSampleRequest[] } {
  const requests: VectorSampleRequest[] = [];
  const entry = (field: 'request' | 'response'): VectorEntry => ({
    projectId: P,
    traceId: root.traceId,
    spanId: failedCall.spanId,
    field,
    timeMs: current.fromMs,
    model: 'gpt-4o-mini',
    release: '2.4.0',
    topicId: field === 'request' ? 'topic-7' : null,
    vector: new Float32Array([1, 0]),
  });
  return {
    requests,
    dimensions: 2,
    maxSampleSize: 500,
    start: async () => undefined,
    shutdown: async () => undefined,
    upsert: async () => undefined,
    nearest: async () => [],
    deleteOlderThan: async () => undefined,
    latestTimeMs: async () => null,
    isReady: async () => true,
    sample: async (request) => {
      requests.push(request);
      if (fail) throw new Error('index down');
      return [entry(request.field ?? 'request')];
    },
  };
}

describe('ClickHouseDetectionInputReader', () => {
  it('reads the LLM calls of the window and of its trailing baseline, scoped to the project', async () => {
    const reader = new ClickHouseDetectionInputReader(client, database, { index: () => null });
    const input = await reader.read(P, current, settings);
    expect(input.baseline).toEqual({ fromMs: current.fromMs - 2 * HOUR, toMs: current.fromMs });
    expect(input.currentCalls).toHaveLength(2);
    expect(input.currentCalls[0]).toMatchObject({
      traceId: root.traceId,
      timeMs: current.fromMs + 2000,
      latencyMs: 1500,
      error: true,
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.002,
      model: 'gpt-4o-mini-2024-07-18',
      release: '2.4.0',
      environment: 'production',
      prompt: 'support@3',
      service: 'support-bot',
      topicId: null,
      negativeFeedback: null,
      scores: {},
    });
    expect(input.currentCalls[1]).toMatchObject({
      costUsd: null,
      model: 'my-model',
      prompt: '',
      error: false,
    });
    expect(input.baselineCalls.map((c) => c.release).sort()).toEqual(['2.3.0', '2.4.0']);
    expect(input.currentVectors).toEqual([]);
  });

  it("puts each trace's end-user feedback and scores on its calls, and none on calls nobody judged", async () => {
    const feedback = new ClickHouseFeedbackStore(client, database, async () => DEFAULT_FEEDBACK_SETTINGS);
    await feedback.record(
      P,
      [
        { traceId: root.traceId, name: 'thumbs', value: false, idempotencyKey: 'k1' },
        { traceId: root.traceId, name: 'accuracy', value: 0.25, idempotencyKey: 'k2' },
        // A judgement of another trace stays with that trace.
        { traceId: otherTraceId(root.traceId), name: 'thumbs', value: true, idempotencyKey: 'k3' },
      ],
      'api_key',
    );
    const reader = new ClickHouseDetectionInputReader(client, database, {
      index: () => null,
      feedback: (projectId, window) => feedback.byTrace(projectId, window),
    });
    const input = await reader.read(P, current, settings);
    const judged = input.currentCalls.find((c) => c.traceId === root.traceId)!;
    expect(judged.negativeFeedback).toBe(true);
    expect(judged.scores).toEqual({ thumbs: 0, accuracy: 0.25 });
    const unjudged = input.currentCalls.find((c) => c.traceId !== root.traceId)!;
    expect([unjudged.negativeFeedback, unjudged.scores]).toEqual([null, {}]);
  });

  it('gives each call the topic its request was assigned, and none when novel or unassigned', async () => {
    const topics = new ClickHouseTopicStore(client, database);
    const assignment = {
      projectId: P,
      traceId: root.traceId,
      spanId: failedCall.spanId,
      field: 'request' as const,
      timeMs: current.fromMs + 2000,
      model: 'gpt-4o-mini',
      release: '2.4.0',
      topicId: 't3',
      modelVersion: 1,
      distance: 0.2,
      novelty: 0.5,
      novel: false,
    };
    const other = (
      await new ClickHouseDetectionInputReader(client, database, { index: () => null }).read(
        P,
        current,
        settings,
      )
    ).currentCalls.find((c) => c.spanId !== failedCall.spanId)!;
    await topics.assign([
      assignment,
      // The response side does not name the call's topic; a novel request has none.
      { ...assignment, field: 'response', topicId: 't9' },
      {
        ...assignment,
        spanId: other.spanId,
        traceId: other.traceId,
        topicId: 't4',
        novel: true,
        novelty: 1.4,
      },
    ]);
    const input = await new ClickHouseDetectionInputReader(client, database, { index: () => null }).read(
      P,
      current,
      settings,
    );
    expect(input.currentCalls.find((c) => c.spanId === failedCall.spanId)!.topicId).toBe('t3');
    expect(input.currentCalls.find((c) => c.spanId === other.spanId)!.topicId).toBeNull();
  });

  it("reads the latest topic model's centroids when regressions watch topics, and none otherwise", async () => {
    const topics = new ClickHouseTopicStore(client, database);
    const fitted = (version: number, ids: string[]) => ({
      projectId: P,
      version,
      fittedAtMs: current.fromMs,
      windowFromMs: current.fromMs - HOUR,
      windowToMs: current.fromMs,
      sampleSize: 100,
      dimensions: 2,
      noveltyQuantile: 0.99,
      nextTopicNumber: 9,
      topics: ids.map((id, i) => ({
        id,
        label: `${id}a · ${id}b`,
        terms: [
          { term: `${id}a`, weight: 0.5 },
          { term: `${id}b`, weight: 0.25 },
        ],
        centroid: Float32Array.from([Math.cos(i), Math.sin(i)]),
        radius: 0.3,
        size: 10 * (i + 1),
        examples: [],
      })),
      map: { points: [], centroids: [] },
    });
    await topics.saveModel(fitted(1, ['t1', 't2']), []);
    await topics.saveModel(fitted(2, ['t1', 't3', 't5']), []);
    const reader = new ClickHouseDetectionInputReader(client, database, { index: () => null });
    const input = await reader.read(P, current, { ...settings, dimensions: ['model', 'topic'] });
    expect(input.topics!.map((t) => [t.id, t.label, t.terms, t.size, Array.from(t.centroid)])).toEqual(
      ['t1', 't3', 't5'].map((id, i) => [
        id,
        `${id}a · ${id}b`,
        [`${id}a`, `${id}b`],
        10 * (i + 1),
        Array.from(Float32Array.from([Math.cos(i), Math.sin(i)])),
      ]),
    );
    expect((await reader.read(P, current, settings)).topics).toBeUndefined();
  });

  it("takes the previous releases' calls as the baseline when asked", async () => {
    const reader = new ClickHouseDetectionInputReader(client, database, { index: () => null });
    const input = await reader.read(P, current, { ...settings, baseline: 'previous_release' });
    // The current window's main release is the one most of its calls have (a tie goes to the earliest call: 2.4.0).
    expect(input.baselineCalls.map((c) => c.release)).toEqual(['2.3.0']);
  });

  it('samples requests and responses from the vector index, and goes on without them when it fails', async () => {
    const index = fakeIndex();
    const reader = new ClickHouseDetectionInputReader(client, database, {
      index: () => index,
      maxVectorsPerWindow: 1000,
    });
    const input = await reader.read(P, current, settings);
    expect(input.currentVectors.map((v) => [v.field, v.text, v.topicId])).toEqual([
      ['request', 'Where is my "card" PIN?', 'topic-7'],
      ['response', undefined, null],
    ]);
    expect(index.requests).toContainEqual({
      projectId: P,
      ...current,
      field: 'request',
      limit: 500,
      seed: expect.any(Number),
    });
    const errors: unknown[] = [];
    const failing = new ClickHouseDetectionInputReader(client, database, {
      index: () => fakeIndex(true),
      onVectorError: (e) => errors.push(e),
    });
    const without = await failing.read(P, current, settings);
    expect(without.currentVectors).toEqual([]);
    expect(without.currentCalls).toHaveLength(2);
    expect(errors).toHaveLength(2);
  });

  it('asks the index for the same vector sample on every read of a window, and of a fixed baseline', async () => {
    const index = fakeIndex();
    const reader = new ClickHouseDetectionInputReader(client, database, { index: () => index });
    const fixed: DetectorSettings = {
      ...settings,
      baseline: 'fixed',
      fixedBaseline: { fromMs: T0, toMs: T0 + 6 * HOUR },
    };
    const next = { fromMs: current.toMs, toMs: current.toMs + HOUR };
    await reader.read(P, current, fixed);
    await reader.read(P, current, fixed); // a re-run
    await reader.read(P, next, fixed);
    await reader.read('another-project', current, fixed);
    const seeds = (window: { fromMs: number; toMs: number }, projectId = P) =>
      new Set(
        index.requests
          .filter((r) => r.projectId === projectId && r.fromMs === window.fromMs && r.toMs === window.toMs)
          .map((r) => r.seed),
      );
    // One seed per (project, window), whole numbers the contract takes; other windows and projects get others.
    const [currentSeed, nextSeed, baselineSeed] = [current, next, fixed.fixedBaseline!].map((w) => {
      const s = seeds(w);
      expect(s.size).toBe(1);
      return [...s][0]!;
    });
    expect(index.requests.filter((r) => r.projectId === P && r.fromMs === T0)).toHaveLength(6); // the baseline read by all three runs
    expect(new Set([currentSeed, nextSeed, baselineSeed, ...seeds(current, 'another-project')]).size).toBe(4);
    for (const seed of [currentSeed, nextSeed, baselineSeed]) {
      expect(Number.isInteger(seed) && seed! >= 0 && seed! < 2 ** 32).toBe(true);
    }
  });

  it('reads the calls between a fixed baseline and the window (at most 2 windows) as recent calls', async () => {
    const reader = new ClickHouseDetectionInputReader(client, database, { index: () => null });
    const fixed = (toMs: number): DetectorSettings => ({
      ...settings,
      baseline: 'fixed',
      fixedBaseline: { fromMs: T0, toMs },
    });
    // Calls at -1 h (2.3.0), -2 h (2.4.0) and -3 h before the window: the baseline ends at -2.5 h, the recent
    // windows reach back 2 h, so the -3 h call is the baseline's only.
    const twoWindows = await reader.read(P, current, fixed(current.fromMs - 2.5 * HOUR));
    expect(twoWindows.recentCalls!.map((c) => c.release).sort()).toEqual(['2.3.0', '2.4.0']);
    expect(twoWindows.baselineCalls.map((c) => c.timeMs)).toEqual([current.fromMs - 3 * HOUR]);
    const part = await reader.read(P, current, fixed(current.fromMs - 1.5 * HOUR));
    expect(part.recentCalls!.map((c) => c.release)).toEqual(['2.3.0']);
    // A baseline that ends where the window starts (trailing, or fixed up to it) leaves nothing between.
    expect((await reader.read(P, current, settings)).recentCalls).toBeUndefined();
    expect((await reader.read(P, current, fixed(current.fromMs))).recentCalls).toBeUndefined();
  });

  it('samples calls past the per-window bound, the same ones on every read', async () => {
    const reader = new ClickHouseDetectionInputReader(client, database, {
      index: () => null,
      maxCallsPerWindow: 1,
    });
    const a = await reader.read(P, current, settings);
    const b = await reader.read(P, current, settings);
    expect(a.currentCalls).toHaveLength(1);
    expect(b.currentCalls).toEqual(a.currentCalls);
  });
});

/** Another trace id: the first hex digit changed (a fixed 'f' was the same id when the random id began with f). */
function otherTraceId(traceId: string): string {
  return (traceId.startsWith('f') ? '0' : 'f') + traceId.slice(1);
}
