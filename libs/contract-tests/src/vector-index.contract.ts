import type { VectorEntry, VectorIndex } from '@driftwatch/contracts';
import { deadlineIn, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineDistance, near, randomProjectId, randomUnitVector, vectorEntry } from './vector-fixtures.js';

export interface VectorIndexUnderTest {
  /** A new index, not started, on a reachable engine; its sample() answers at most `maxSampleSize` entries. */
  create(options: { maxSampleSize: number }): Promise<VectorIndex>;
  /** A new index, not started, configured for an engine that is not there. */
  createUnreachable(): Promise<VectorIndex>;
}

const MAX_SAMPLE = 25;
const HOUR = 3_600_000;
const key = (e: { spanId: string; field: string }) => `${e.spanId}/${e.field}`;

/** The VectorIndex contract; every adapter runs it. Each test works in projects of its own. */
export function vectorIndexContract(name: string, subject: VectorIndexUnderTest): void {
  // Engines on a busy shared machine: generous guards (nothing here asserts a duration).
  describe(`VectorIndex contract: ${name}`, { timeout: 60_000 }, () => {
    let index: VectorIndex;
    let dims: number;
    const entry = (projectId: string, overrides: Partial<VectorEntry> = {}) =>
      vectorEntry(projectId, dims, overrides);

    beforeAll(async () => {
      index = await subject.create({ maxSampleSize: MAX_SAMPLE });
      await index.start();
      dims = index.dimensions;
    }, 120_000);
    afterAll(async () => index?.shutdown(deadlineIn(5000)));

    it('is ready once started', async () => {
      expect(await index.isReady()).toBe(true);
      expect(index.maxSampleSize).toBe(MAX_SAMPLE);
    });

    it('orders the k nearest by cosine distance exactly as an exact computation does', async () => {
      const project = randomProjectId();
      const entries = Array.from({ length: 40 }, () => entry(project));
      await index.upsert(entries);
      const query = randomUnitVector(dims);
      const exact = entries
        .map((e) => ({ key: key(e), distance: cosineDistance(query, e.vector) }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 10);
      const found = await index.nearest(query, 10, { projectId: project });
      expect(found.map(key)).toEqual(exact.map((e) => e.key));
      found.forEach((m, i) => expect(m.distance).toBeCloseTo(exact[i]!.distance, 2));
      // A stored vector finds itself first, at distance ~0, with its metadata intact.
      const probe = entries[7]!;
      const [self] = await index.nearest(probe.vector, 1, { projectId: project });
      expect(self).toMatchObject({
        projectId: project,
        traceId: probe.traceId,
        spanId: probe.spanId,
        field: 'request',
        timeMs: probe.timeMs,
        model: 'gpt-4o-mini',
        release: 'v1',
        topicId: null,
      });
      expect(self!.distance).toBeLessThan(0.01);
    });

    it('stores a call upserted twice once, in its latest version', async () => {
      const project = randomProjectId();
      const entries = Array.from({ length: 5 }, () => entry(project));
      await index.upsert(entries);
      await index.upsert(entries); // redelivery
      const assigned = { ...entries[0]!, topicId: 'topic-7' };
      await index.upsert([assigned]);
      const found = await index.nearest(entries[0]!.vector, 10, { projectId: project });
      expect(found.map(key).sort()).toEqual(entries.map(key).sort());
      expect(found[0]).toMatchObject({ spanId: entries[0]!.spanId, topicId: 'topic-7' });
      const sample = await index.sample({ projectId: project, fromMs: 0, toMs: Date.now(), limit: 20 });
      expect(sample.map(key).sort()).toEqual(entries.map(key).sort());
      // Request and response of one call are two entries.
      await index.upsert([{ ...entries[1]!, field: 'response' }]);
      const both = await index.nearest(entries[1]!.vector, 10, { projectId: project });
      expect(
        both
          .filter((m) => m.spanId === entries[1]!.spanId)
          .map((m) => m.field)
          .sort(),
      ).toEqual(['request', 'response']);
    });

    it("never returns one project's vectors for another", async () => {
      const [a, b] = [randomProjectId(), randomProjectId()];
      const shared = randomUnitVector(dims);
      const inA = Array.from({ length: 6 }, () => entry(a, { vector: near(shared, 0.05) }));
      const inB = Array.from({ length: 6 }, () => entry(b, { vector: near(shared, 0.05) }));
      await index.upsert([...inA, ...inB]);
      const fromA = await index.nearest(shared, 50, { projectId: a });
      expect(fromA.map(key).sort()).toEqual(inA.map(key).sort());
      expect(fromA.every((m) => m.projectId === a)).toBe(true);
      const sampleB = await index.sample({ projectId: b, fromMs: 0, toMs: Date.now(), limit: 20 });
      expect(sampleB.map(key).sort()).toEqual(inB.map(key).sort());
      expect(await index.nearest(shared, 5, { projectId: randomProjectId() })).toEqual([]);
    });

    it('filters by time range, model, release, field and topic', async () => {
      const project = randomProjectId();
      const now = Date.now();
      const centre = randomUnitVector(dims);
      const at = (overrides: Partial<VectorEntry>) =>
        entry(project, { vector: near(centre, 0.3), ...overrides });
      const old = at({ timeMs: now - 5 * HOUR });
      const recent = [at({ timeMs: now - HOUR }), at({ timeMs: now - 2 * HOUR })];
      const other = at({ model: 'claude-sonnet', release: 'v2', field: 'response', topicId: 't-1' });
      await index.upsert([old, ...recent, other]);
      const ids = async (filter: Omit<Parameters<VectorIndex['nearest']>[2], 'projectId'>) =>
        (await index.nearest(centre, 20, { projectId: project, ...filter })).map(key).sort();

      expect(await ids({ fromMs: now - 3 * HOUR, toMs: now - 30 * 60_000 })).toEqual(recent.map(key).sort());
      expect(await ids({ toMs: now - 5 * HOUR })).toEqual([]); // the end of the window is exclusive
      expect(await ids({ toMs: now - 5 * HOUR + 1 })).toEqual([key(old)]);
      expect(await ids({ model: 'claude-sonnet' })).toEqual([key(other)]);
      expect(await ids({ release: 'v1' })).toEqual([old, ...recent].map(key).sort());
      expect(await ids({ field: 'response' })).toEqual([key(other)]);
      expect(await ids({ topicId: 't-1' })).toEqual([key(other)]);
      expect(await ids({ topicId: 't-none' })).toEqual([]);
    });

    it('samples at random within the window, never more than asked or than its bound', async () => {
      const project = randomProjectId();
      const now = Date.now();
      const inside = Array.from({ length: 40 }, (_, i) => entry(project, { timeMs: now - HOUR - i * 1000 }));
      const outside = Array.from({ length: 10 }, () => entry(project, { timeMs: now - 10 * HOUR }));
      await index.upsert([...inside, ...outside]);
      const window = { projectId: project, fromMs: now - 2 * HOUR, toMs: now };
      const insideKeys = new Set(inside.map(key));

      const small = await index.sample({ ...window, limit: 10 });
      expect(small).toHaveLength(10);
      expect(new Set(small.map(key)).size).toBe(10);
      for (const e of small) {
        expect(insideKeys.has(key(e))).toBe(true);
        expect(e.vector).toHaveLength(dims);
        const original = inside.find((i) => key(i) === key(e))!;
        expect(cosineDistance(e.vector, original.vector)).toBeLessThan(0.01);
      }
      // Capped at the adapter's bound, even when more is asked and more is there.
      const capped = await index.sample({ ...window, limit: 1000 });
      expect(capped).toHaveLength(MAX_SAMPLE);
      expect(capped.every((e) => insideKeys.has(key(e)))).toBe(true);
      // Random: independent samples of 10 out of 40 differ (equal by chance with probability ~1e-9).
      const again = await index.sample({ ...window, limit: 10 });
      expect(again.map(key).sort()).not.toEqual(small.map(key).sort());
    });

    it('samples the same entries for the same seed, still spread over the window', async () => {
      const project = randomProjectId();
      const now = Date.now();
      const window = { projectId: project, fromMs: now - 4 * HOUR, toMs: now, field: 'request' as const };
      // 200 calls evenly over the window (oldest first), their responses, and calls outside it.
      const step = (window.toMs - window.fromMs) / 200;
      const inside = Array.from({ length: 200 }, (_, i) =>
        entry(project, { timeMs: Math.floor(window.fromMs + i * step) }),
      );
      const responses = inside.map((e) => ({ ...e, field: 'response' as const }));
      const outside = Array.from({ length: 20 }, () => entry(project, { timeMs: now - 10 * HOUR }));
      await index.upsert([...inside, ...responses, ...outside]);
      const insideKeys = new Set(inside.map(key));

      const first = await index.sample({ ...window, limit: 20, seed: 7 });
      const again = await index.sample({ ...window, limit: 20, seed: 7 });
      expect(first).toHaveLength(20);
      expect(new Set(first.map(key)).size).toBe(20);
      expect(first.every((e) => insideKeys.has(key(e)))).toBe(true);
      expect(again.map(key).sort()).toEqual(first.map(key).sort());
      // Stored again (a redelivery, a topic assigned later): the same data, so the same sample.
      await index.upsert(inside.slice(0, 50).map((e) => ({ ...e, topicId: 'topic-2' })));
      const afterUpsert = await index.sample({ ...window, limit: 20, seed: 7 });
      expect(afterUpsert.map(key).sort()).toEqual(first.map(key).sort());
      // Another seed, another sample (equal by chance with probability ~1e-20).
      const other = await index.sample({ ...window, limit: 20, seed: 8 });
      expect(other.map(key).sort()).not.toEqual(first.map(key).sort());
      // Spread over the window, not its first or last calls: both halves are sampled (each seed; a uniform pick
      // misses a half with probability 2 x 2^-20).
      const middle = window.fromMs + 100 * step;
      for (const sample of [first, other]) {
        expect(sample.some((e) => e.timeMs < middle)).toBe(true);
        expect(sample.some((e) => e.timeMs >= middle)).toBe(true);
      }
    });

    it('tells the time of the newest entry a filter matches', async () => {
      const [project, neighbour] = [randomProjectId(), randomProjectId()];
      // Hours ago, within any adapter's retention (a row past it may be merged away at any time).
      const past = Math.floor(Date.now() / HOUR) * HOUR - 12 * HOUR;
      const requests = [0, 3, 1].map((h) => entry(project, { timeMs: past + h * HOUR }));
      const laterResponse = entry(project, { timeMs: past + 5 * HOUR, field: 'response' });
      const neighbourLater = entry(neighbour, { timeMs: past + 9 * HOUR });
      await index.upsert([...requests, laterResponse, neighbourLater]);
      expect(await index.latestTimeMs({ projectId: project, field: 'request' })).toBe(past + 3 * HOUR);
      expect(await index.latestTimeMs({ projectId: project })).toBe(past + 5 * HOUR);
      expect(await index.latestTimeMs({ projectId: project, toMs: past + 3 * HOUR })).toBe(past + HOUR);
      expect(await index.latestTimeMs({ projectId: project, model: 'other-model' })).toBeNull();
      expect(await index.latestTimeMs({ projectId: randomProjectId() })).toBeNull();
    });

    it('deletes a project’s entries older than a cutoff, and nothing else', async () => {
      const [project, neighbour] = [randomProjectId(), randomProjectId()];
      const now = Date.now();
      const centre = randomUnitVector(dims);
      const old = Array.from({ length: 4 }, () =>
        entry(project, { timeMs: now - 48 * HOUR, vector: near(centre, 0.2) }),
      );
      const fresh = Array.from({ length: 3 }, () =>
        entry(project, { timeMs: now - HOUR, vector: near(centre, 0.2) }),
      );
      const neighbourOld = entry(neighbour, { timeMs: now - 48 * HOUR, vector: near(centre, 0.2) });
      await index.upsert([...old, ...fresh, neighbourOld]);
      await index.deleteOlderThan(project, now - 24 * HOUR);
      const left = await index.nearest(centre, 20, { projectId: project });
      expect(left.map(key).sort()).toEqual(fresh.map(key).sort());
      const sampled = await index.sample({ projectId: project, fromMs: 0, toMs: now, limit: 20 });
      expect(sampled.map(key).sort()).toEqual(fresh.map(key).sort());
      expect((await index.nearest(centre, 5, { projectId: neighbour })).map(key)).toEqual([
        key(neighbourOld),
      ]);
    });

    it('rejects wrong input as permanent', async () => {
      const project = randomProjectId();
      await expect(
        index.upsert([entry(project, { vector: new Float32Array(dims + 1) })]),
      ).rejects.toBeInstanceOf(PermanentError);
      const bad = entry(project);
      bad.vector[3] = Number.NaN;
      await expect(index.upsert([bad])).rejects.toBeInstanceOf(PermanentError);
      await expect(index.upsert([entry('')])).rejects.toBeInstanceOf(PermanentError);
      await expect(index.nearest(randomUnitVector(dims), 0, { projectId: project })).rejects.toBeInstanceOf(
        PermanentError,
      );
      await expect(index.nearest(randomUnitVector(dims), 5, { projectId: '' })).rejects.toBeInstanceOf(
        PermanentError,
      );
      await expect(
        index.sample({ projectId: project, fromMs: 10, toMs: 10, limit: 5 }),
      ).rejects.toBeInstanceOf(PermanentError);
      for (const seed of [1.5, -1, 2 ** 32])
        await expect(
          index.sample({ projectId: project, fromMs: 10, toMs: 20, limit: 5, seed }),
        ).rejects.toBeInstanceOf(PermanentError);
      await expect(index.latestTimeMs({ projectId: '' })).rejects.toBeInstanceOf(PermanentError);
      // Nothing of a rejected batch was stored.
      expect(await index.nearest(randomUnitVector(dims), 5, { projectId: project })).toEqual([]);
    });

    it('refuses work before start and after shutdown; shutdown is safe without start and to repeat', async () => {
      const fresh = await subject.create({ maxSampleSize: MAX_SAMPLE });
      expect(await fresh.isReady()).toBe(false);
      await expect(fresh.upsert([entry(randomProjectId())])).rejects.toBeInstanceOf(UnavailableError);
      await fresh.shutdown(deadlineIn(1000));
      await fresh.shutdown(deadlineIn(1000));
      const used = await subject.create({ maxSampleSize: MAX_SAMPLE });
      await used.start();
      await used.shutdown(deadlineIn(1000));
      expect(await used.isReady()).toBe(false);
      await expect(used.nearest(randomUnitVector(dims), 1, { projectId: 'p' })).rejects.toBeInstanceOf(
        UnavailableError,
      );
    });

    it('is not ready and fails start() retryably when its engine is not there', async () => {
      const down = await subject.createUnreachable();
      await expect(down.start()).rejects.toBeInstanceOf(RetryableError);
      expect(await down.isReady()).toBe(false);
      await expect(down.upsert([entry(randomProjectId())])).rejects.toBeInstanceOf(UnavailableError);
      await down.shutdown(deadlineIn(1000));
    });
  });
}
