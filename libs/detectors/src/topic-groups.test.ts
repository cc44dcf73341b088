import type { DetectionInput, TopicCentroid } from '@driftwatch/contracts';
import { unit } from '@driftwatch/topics';
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { makeWindow, makeWorld, settings } from './test-support.js';
import { MAX_GROUP_SIZE, topicGroups } from './topic-groups.js';

const DIM = 64;

/** The i-th basis vector: basis vectors are orthogonal, so the distances below are exact. */
const e = (i: number) => Float32Array.from({ length: DIM }, (_, d) => (d === i ? 1 : 0));

/** A unit vector `weight` of the way from `from` to `to` (0.25: cosine distance 0.051 from an orthogonal `from`). */
function toward(from: Float32Array, to: Float32Array, weight: number): Float32Array {
  return unit(Float32Array.from(from, (x, d) => (1 - weight) * x + weight * to[d]!));
}

const topicsOf = (vectors: Float32Array[]): TopicCentroid[] =>
  vectors.map((centroid, i) => ({ id: `t${i + 1}`, label: `t${i + 1}`, terms: [], centroid, size: 100 }));

describe('topicGroups', () => {
  it('groups topics much nearer each other than topics are to their neighbours, and no others', () => {
    // t1..t10 orthogonal (distance 1); t11..t15 each beside one of t1, t3, t5, t7, t9 (distance 0.03).
    const far = Array.from({ length: 10 }, (_, i) => e(i));
    const beside = [0, 2, 4, 6, 8].map((i) => toward(e(i), e(20 + i), 0.2));
    expect(topicGroups(topicsOf([...far, ...beside]))).toEqual([
      ['t1', 't11'],
      ['t3', 't12'],
      ['t5', 't13'],
      ['t7', 't14'],
      ['t9', 't15'],
    ]);
  });

  it('joins only topics all near each other (complete linkage), not a chain', () => {
    // Pairs t1..t16: four at distance 0.081 (the median nearest distance), four at 0.119.
    const pairs = Array.from({ length: 8 }, (_, k) => [
      e(2 * k),
      toward(e(2 * k), e(2 * k + 1), k < 4 ? 0.3 : 0.35),
    ]);
    // A chain t17 - t18 - t19, 0.051 apart each, t17 and t19 0.10 apart (beyond the median).
    const a = e(16);
    const b = toward(a, e(17), 0.25);
    const c = toward(b, e(18), 0.25);
    expect(topicGroups(topicsOf([...pairs.flat(), a, b, c]))).toEqual([
      ['t1', 't2'],
      ['t3', 't4'],
      ['t5', 't6'],
      ['t7', 't8'],
      ['t17', 't18'],
    ]);
  });

  it('makes no groups of few topics, and none larger than the most a filter takes', () => {
    const near = Array.from({ length: 9 }, (_, i) => toward(e(0), e(i + 1), 0.1));
    expect(topicGroups(topicsOf(near))).toEqual([]);
    const far = Array.from({ length: 8 }, (_, i) => e(i));
    const clump = Array.from({ length: 12 }, (_, i) => toward(e(30), e(31 + i), 0.1));
    const groups = topicGroups(topicsOf([...far, ...clump]));
    expect(groups.flat().sort()).toEqual(clump.map((_, i) => `t${9 + i}`).sort());
    for (const g of groups) expect(g.length).toBeLessThanOrEqual(MAX_GROUP_SIZE);
  });
});

describe('regressions on a group of near topics', { timeout: 600_000 }, () => {
  const HOUR = 3_600_000;
  const T0 = 1_800_000_000_000;

  /**
   * Negative feedback doubles on the largest topic, whose calls the topic model split in two: half its calls carry
   * the id `topic-split` (by trace), whose centroid lies beside the topic's.
   */
  function splitTopic(seed: number, perHour: number, changed = true) {
    const world = makeWorld(seed);
    const largest = world.shares.indexOf(Math.max(...world.shares));
    const hours = (from: number, count: number, label: string, doubled: boolean) =>
      Array.from({ length: count }, (_, h) =>
        makeWindow(
          world,
          perHour,
          T0 + (from + h) * HOUR,
          HOUR,
          seed * 100 + from + h,
          doubled ? { feedback: { topic: largest, factor: 2 } } : {},
          label,
        ),
      )
        .flatMap((w) => w.calls)
        .map((c, i) => (c.topicId === `topic-${largest}` && i % 2 ? { ...c, topicId: 'topic-split' } : c));
    const currentFrom = T0 + 8 * HOUR;
    const topics: TopicCentroid[] = [
      ...world.topics.map((centroid, j) => ({
        id: `topic-${j}`,
        label: world.words[j]!.slice(0, 3).join(' · '),
        terms: world.words[j]!,
        centroid,
        size: 100,
      })),
      {
        id: 'topic-split',
        label: 'split · half',
        terms: ['split', 'half'],
        centroid: toward(
          world.topics[largest]!,
          unit(Float32Array.from({ length: world.dim }, (_, d) => Math.sin(d + seed))),
          0.1,
        ),
        size: 100,
      },
    ];
    const input: DetectionInput = {
      projectId: 'p1',
      baseline: { fromMs: T0, toMs: T0 + 6 * HOUR },
      current: { fromMs: currentFrom, toMs: currentFrom + HOUR },
      baselineCalls: hours(0, 6, 'b', false),
      recentCalls: hours(6, 2, 'r', changed),
      currentCalls: hours(8, 1, 'c', changed),
      baselineVectors: [],
      currentVectors: [],
      settings: settings({ baseline: 'fixed' }),
    };
    return { input, topics, largest };
  }

  it('finds a feedback change that each of the two topics alone is too small to show, as one problem', () => {
    const seed = 44;
    const { input, topics, largest } = splitTopic(seed, 2000);
    const feedback = (i: DetectionInput) => detect(i, { seed }).findings.filter((f) => f.kind === 'feedback');
    expect(feedback(input)).toEqual([]);

    const found = feedback({ ...input, topics });
    expect(found.map((f) => `${f.dimension}=${f.value}`)).toEqual([`topic=topic-${largest},topic-split`]);
    const words = makeWorld(seed).words[largest]!;
    expect(found[0]!.title).toMatch(
      new RegExp(
        `^Negative feedback on topics topic-${largest} \\+ topic-split \\(${words.slice(0, 3).join(' · ')}; split · half\\) rose`,
      ),
    );
    // The problem names the group's topics by their terms (no request vectors here: no examples).
    expect(found[0]!.evidence.topic).toEqual({
      id: `topic-${largest},topic-split`,
      terms: [...words.slice(0, 3), 'split', 'half'],
      examples: [],
      baselineExamples: [],
    });
  });

  it('opens nothing on groups when nothing changed', () => {
    for (const seed of [43, 45, 46]) {
      const { input, topics } = splitTopic(seed, 2000, false);
      expect(detect({ ...input, topics }, { seed }).findings).toEqual([]);
    }
  });
});
