import type { VectorEntry } from '@driftwatch/contracts';
import { Filters, type Collection, type FilterValue } from 'weaviate-client';
import { toMetadata, type VectorProperties } from './objects.js';

type Scoped = ReturnType<Collection<VectorProperties>['withTenant']>;

/** Runs per sample: more runs, more independent the picks (each run is one query). */
const RUNS = 8;
const MAX_ROUNDS = 64;

/**
 * A random sample of the objects matching `window`, without reading them all. Weaviate has no random order, so
 * every object carries a fixed uniform key (sampleKey, from a hash of its id): a run is the objects that follow a
 * random point in key order, wrapping around. Every object has the same chance to be picked, and several runs
 * from independent points make the sample a mix of unrelated stretches. A window no larger than the limit is
 * returned whole. The points come from `random`: a seeded generator (seededUniform) picks the same runs of the same
 * objects every time. Keys do not depend on time, so a run is spread over the window either way.
 */
export async function sampleByKeyRuns(
  scoped: Scoped,
  window: FilterValue,
  limit: number,
  random: () => number = Math.random,
): Promise<VectorEntry[]> {
  const total = (await scoped.aggregate.overAll({ filters: window })).totalCount;
  const picked = new Map<string, VectorEntry>();
  if (total <= limit) {
    await addRun(scoped, window, 0, total, picked);
    return [...picked.values()];
  }
  const runLength = Math.ceil(limit / RUNS);
  for (let round = 0; round < MAX_ROUNDS && picked.size < limit; round++) {
    await addRun(scoped, window, random(), Math.min(runLength, limit - picked.size), picked);
  }
  return [...picked.values()].slice(0, limit);
}

/** Adds up to `count` objects not yet picked whose keys follow `from` (wrapping past 1 to 0). */
async function addRun(
  scoped: Scoped,
  window: FilterValue,
  from: number,
  count: number,
  picked: Map<string, VectorEntry>,
): Promise<void> {
  let wanted = count;
  for (const range of [
    scoped.filter.byProperty('sampleKey').greaterOrEqual(from),
    scoped.filter.byProperty('sampleKey').lessThan(from),
  ]) {
    if (wanted <= 0) return;
    // Fetch past what was already picked, so a run overlapping an earlier one still adds `count` new objects.
    const result = await scoped.query.fetchObjects({
      filters: Filters.and(window, range),
      sort: scoped.sort.byProperty('sampleKey', true),
      limit: wanted + picked.size,
      includeVector: true,
    });
    for (const o of result.objects) {
      if (wanted <= 0) break;
      if (picked.has(o.uuid)) continue;
      const vector = o.vectors['default'] as number[] | undefined;
      picked.set(o.uuid, { ...toMetadata(o.properties), vector: Float32Array.from(vector ?? []) });
      wanted -= 1;
    }
  }
}

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed, the same sequence. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
