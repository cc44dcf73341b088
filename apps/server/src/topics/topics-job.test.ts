import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llmCall, spanRecord } from '@driftwatch/contract-tests';
import type { SpanRecord, VectorEntry } from '@driftwatch/contracts';
import {
  ClickHouseSpanWriter,
  ClickHouseTopicStore,
  createEmbeddedClickHouse,
} from '@driftwatch/store-clickhouse';
import { seededRandom } from '@driftwatch/topics';
import { ClickHouseVectorIndex } from '@driftwatch/vector-clickhouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitInline } from './fit-runner.js';
import type { TopicsSettings } from './topics-config.js';
import { TopicsJob } from './topics-job.js';

const DIM = 8;
const TOPICS = ['weather forecast rain', 'refund order money', 'password reset login'];
const random = seededRandom(7);

/** A unit vector near axis `axis`. */
function near(axis: number): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, d) => (d === axis ? 1 : 0) + (random() - 0.5) * 0.2);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** A stored call (span with its request) and its request vector; a minute ago unless `timeMs` says when. */
function call(
  projectId: string,
  axis: number,
  text: string,
  timeMs?: number,
): { span: SpanRecord; entry: VectorEntry } {
  const span = spanRecord({
    projectId,
    llm: llmCall({ inputMessages: [{ role: 'user', parts: [{ type: 'text', content: text }] }] }),
    ...(timeMs === undefined ? {} : { startTimeUnixNano: (BigInt(timeMs) * 1_000_000n).toString() }),
  });
  const entry: VectorEntry = {
    projectId,
    traceId: span.traceId,
    spanId: span.spanId,
    field: 'request',
    timeMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
    model: 'gpt-4o-mini',
    release: '1.0.0',
    topicId: null,
    vector: near(axis),
  };
  return { span, entry };
}

const settings: TopicsSettings = {
  refitMs: 3_600_000,
  checkMs: 3_600_000,
  minCalls: 40,
  windowMs: 86_400_000,
  sampleSize: 1_000,
  topicOnVectors: true,
  mapPoints: 50,
  maxPendingAssignments: 1_000,
  assignDelayMs: 1,
  seed: 1,
};

describe('TopicsJob on chDB', () => {
  const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'dw-topics-job-')));
  const database = `topics_job_${process.pid}`;
  const store = new ClickHouseTopicStore(client, database);
  const index = new ClickHouseVectorIndex(client, {
    schema: { database, retentionDays: 30 },
    dimensions: DIM,
  });
  const job = (claimant: string) =>
    new TopicsJob({
      store,
      index: () => index,
      projects: async () => ['p', 'small'],
      fit: fitInline,
      settings,
      claimant,
      log: () => undefined,
    });
  const a = job('a');
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });

  beforeAll(async () => {
    await writer.start();
    await index.start();
    const calls = [
      ...TOPICS.flatMap((words, axis) =>
        Array.from({ length: 30 }, (_, i) => call('p', axis, `${words} ${i}`)),
      ),
      ...Array.from({ length: 10 }, (_, i) => call('small', 0, `weather ${i}`)),
    ];
    await writer.insert(calls.map((c) => c.span));
    await index.upsert(calls.map((c) => c.entry));
  });

  afterAll(async () => {
    await a.shutdown();
    await client.close();
  });

  it('fits a project with enough request vectors, labels its topics and assigns the sample', async () => {
    await a.tick();
    const model = await store.latestModel('p');
    expect(model?.version).toBe(1);
    expect(model?.topics).toHaveLength(3);
    for (const words of TOPICS)
      expect(
        model!.topics.some((t) => words.split(' ').includes(t.terms[0]!.term)),
        words,
      ).toBe(true);
    const window = { fromMs: 0, toMs: Date.now() + 60_000 };
    expect(await store.assignments('p', window, { limit: 500 })).toHaveLength(90);
    // The topic went onto the vector entries too.
    const sample = await index.sample({ projectId: 'p', ...window, limit: 100 });
    expect(sample.every((e) => e.topicId !== null)).toBe(true);
    // Too few vectors: no model, and the refit says why.
    expect(await store.latestModel('small')).toBeNull();
    expect(await job('b').refit('small')).toEqual({
      fitted: false,
      reason: '10 request vectors in the window; a fit needs at least 40',
    });
    expect(a.health()).toMatchObject({ fits: 1, lastError: null });
  });

  it('assigns stored vectors online, flagging one far from every topic as novel', async () => {
    const close = call('p', 1, 'refund for my order');
    const far = call('p', 6, 'orbital period of jupiter');
    a.onStored([close.entry, far.entry, { ...close.entry, field: 'response' }]);
    const window = { fromMs: 0, toMs: Date.now() + 60_000 };
    const deadline = Date.now() + 10_000;
    while ((await store.assignments('p', window, { limit: 500 })).length < 92 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const all = await store.assignments('p', window, { limit: 500 });
    expect(all).toHaveLength(92); // the response vector is not assigned
    const model = (await store.latestModel('p'))!;
    const refundTopic = model.topics.find((t) => t.terms.some((x) => x.term === 'refund'))!.id;
    expect(all.find((x) => x.spanId === close.entry.spanId)).toMatchObject({
      topicId: refundTopic,
      novel: false,
    });
    expect(all.find((x) => x.spanId === far.entry.spanId)).toMatchObject({ novel: true });
  });

  it('takes no lease when too few vectors: another process fits the project once they arrived', async () => {
    const more = Array.from({ length: 40 }, (_, i) => call('small', 1 + (i % 2), `refund or password ${i}`));
    await writer.insert(more.map((c) => c.span));
    await index.upsert(more.map((c) => c.entry));
    expect(await a.refit('small')).toMatchObject({ fitted: true, version: 1, calls: 50 });
  });

  it('fits a project whose calls all lie before the window ending now on the window ending at its newest call', async () => {
    const day = settings.windowMs;
    const newest = Date.now() - 10 * day; // history imported with past times (within the 30 days kept)
    const imported = TOPICS.flatMap((words, axis) =>
      Array.from({ length: 20 }, (_, i) =>
        call('history', axis, `${words} ${i}`, newest - (axis * 20 + i) * 60_000),
      ),
    );
    const tooOld = call('history', 0, 'weather long ago', newest - 2 * day); // before that window
    await writer.insert([...imported, tooOld].map((c) => c.span));
    await index.upsert([...imported, tooOld].map((c) => c.entry));
    const scheduled = new TopicsJob({
      store,
      index: () => index,
      projects: async () => ['history'],
      fit: fitInline,
      settings,
      claimant: 'c',
      log: () => undefined,
    });
    try {
      await scheduled.tick();
    } finally {
      await scheduled.shutdown();
    }
    const model = await store.latestModel('history');
    expect(model).toMatchObject({ version: 1, windowFromMs: newest + 1 - day, windowToMs: newest + 1 });
    expect(model!.topics).toHaveLength(3);
    const assigned = await store.assignments('history', { fromMs: 0, toMs: Date.now() }, { limit: 500 });
    expect(assigned.map((a) => a.spanId).sort()).toEqual(imported.map((c) => c.entry.spanId).sort());
  });

  it('lets one process fit a project at a time, and keeps topic ids on a re-fit', async () => {
    const before = (await store.latestModel('p'))!;
    expect(await job('b').refit('p')).toEqual({
      fitted: false,
      reason: 'another process is fitting this project now',
    });
    const again = await a.refit('p');
    expect(again).toMatchObject({ fitted: true, version: 2, calls: 92 });
    // The three topics continue with their ids (the far call, now in the index, may start a topic of its own).
    const after = (await store.latestModel('p'))!;
    expect(after.topics.map((t) => t.id)).toEqual(expect.arrayContaining(before.topics.map((t) => t.id)));
    const v2 = (await store.lineage('p', 20)).filter((e) => e.version === 2);
    expect(
      v2
        .filter((e) => e.kind === 'continued')
        .map((e) => e.into[0])
        .sort(),
    ).toEqual(before.topics.map((t) => t.id).sort());
  });

  it('fits on the same seeded sample of a window each time: the same calls in the same order', async () => {
    const seen: string[][] = [];
    const recording = new TopicsJob({
      store,
      index: () => index,
      projects: async () => ['p'],
      fit: async (input) => {
        seen.push(input.calls.map((c) => c.spanId));
        return fitInline(input);
      },
      settings: { ...settings, sampleSize: 60 },
      claimant: 'a', // the lease of the test before
      log: () => undefined,
    });
    try {
      expect(await recording.refit('p')).toMatchObject({ fitted: true, calls: 60 });
      expect(await recording.refit('p')).toMatchObject({ fitted: true, calls: 60 });
    } finally {
      await recording.shutdown();
    }
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
  });
});
