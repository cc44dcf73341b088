import { describe, expect, it } from 'vitest';
import { assignTopic } from './assign.js';
import { fitTopics } from './fit.js';
import { adjustedRandIndex } from './metrics.js';
import { blobs, directions, gaussian } from './test-support.js';
import { dot, unit } from './vectors.js';

const centers = directions(7, 32, 21);
const { vectors, truth } = blobs(centers, 30, 0.05, 22);

/** Two texts per planted word, plus shared filler, for each of the seven blobs. */
const planted = ['invoice', 'weather', 'password', 'flight', 'recipe', 'insurance', 'playlist'];
const texts = truth.map((j, i) => `what about my ${planted[j]} ${i % 2 ? 'today' : 'please now'} thing`);

describe('fitTopics', () => {
  it('finds the planted topics without being told k, and is deterministic', () => {
    const fit = fitTopics(vectors, { seed: 4 });
    expect(fit.selection!.k).toBe(7);
    expect(adjustedRandIndex(truth, fit.labels)).toBe(1);
    expect(fitTopics(vectors, { seed: 4 }).labels).toEqual(fit.labels);
    expect(fit.model.topics.map((t) => t.size).sort()).toEqual(Array(7).fill(30));
    expect(new Set(fit.labels)).toEqual(new Set(fit.model.topics.map((t) => t.id)));
  });

  it('labels each topic with its planted term and its most central examples', () => {
    const fit = fitTopics(vectors, { k: 7, texts, examples: 3 });
    for (const topic of fit.model.topics) {
      const members = fit.labels.flatMap((id, i) => (id === topic.id ? [i] : []));
      expect(topic.terms[0]!.term).toBe(planted[truth[members[0]!]!]);
      // "thing" is in every text of every topic: it weighs far less than the planted term.
      const thing = topic.terms.find((t) => t.term === 'thing')?.weight ?? 0;
      expect(topic.terms[0]!.weight).toBeGreaterThan(3 * thing);
      expect(topic.examples).toHaveLength(3);
      const closeness = (i: number) => dot(vectors[i]!, topic.centroid);
      const best = Math.max(...members.map(closeness));
      expect(closeness(topic.examples[0]!)).toBeCloseTo(best, 6);
      expect(closeness(topic.examples[0]!)).toBeGreaterThanOrEqual(closeness(topic.examples[2]!));
    }
  });

  it('keeps topic ids across a re-fit on an overlapping, shuffled window', () => {
    const first = fitTopics(vectors, { k: 7, seed: 1 });
    const more = blobs(centers, 20, 0.05, 23);
    const window = [...vectors.slice(60), ...more.vectors].reverse();
    const second = fitTopics(window, { seed: 9, previous: first.model });
    expect(second.model.topics.map((t) => t.id).sort()).toEqual(first.model.topics.map((t) => t.id).sort());
    expect(second.lineage).toMatchObject({ created: [], retired: [], splits: [], merges: [] });
    // The same vectors carry the same topic id in both fits.
    const firstLabelOf = new Map(vectors.map((v, i) => [v, first.labels[i]]));
    window.forEach((v, i) => firstLabelOf.has(v) && expect(second.labels[i]).toBe(firstLabelOf.get(v)));
    expect(second.model.nextTopicNumber).toBe(first.model.nextTopicNumber);
  });

  it('records a split and a merge, gives the new topics fresh ids and retires the old ones', () => {
    const g = gaussian(5);
    // Topic 0 becomes two sub-topics 0.35 apart; topics 1 and 2 are now one topic between them.
    const push = (c: Float32Array) => unit(Float32Array.from(c, (x) => x + 0.25 * g()));
    const halfA = push(centers[0]!);
    const halfB = push(centers[0]!);
    const between = unit(Float32Array.from(centers[1]!, (x, i) => x + centers[2]![i]!));
    const first = fitTopics(
      blobs([centers[0]!, centers[1]!, centers[2]!, ...centers.slice(3)], 30, 0.03, 24).vectors,
      { k: 7 },
    );
    const next = blobs([halfA, halfB, between, ...centers.slice(3)], 30, 0.03, 25).vectors;
    const second = fitTopics(next, { k: 7, previous: first.model });
    const idOf = (v: Float32Array, model = first.model) => assignTopic(model, v).topicId;
    const [old0, old1, old2] = [centers[0]!, centers[1]!, centers[2]!].map((c) => idOf(c));
    expect(second.lineage.splits).toHaveLength(1);
    expect(second.lineage.splits[0]!.from).toBe(old0);
    expect(second.lineage.splits[0]!.into.sort()).toEqual(
      [idOf(halfA, second.model), idOf(halfB, second.model)].sort(),
    );
    expect(second.lineage.merges).toEqual([{ from: [old1, old2].sort(), into: idOf(between, second.model) }]);
    expect(second.lineage.continued).toHaveLength(4);
    expect(second.lineage.created).toHaveLength(3);
    expect(second.lineage.retired.sort()).toEqual([old0, old1, old2].sort());
    expect(second.lineage.created.every((id) => !first.model.topics.some((t) => t.id === id))).toBe(true);
  });

  it('keeps structureless data where it was when re-fitting warm, and not cold', () => {
    // Uniform directions: any partition into 10 is as good as another, so only the warm start keeps the old one.
    // Starting points are far from the old centroids here, hence the loose matching distance.
    const points = directions(400, 8, 31);
    const first = fitTopics(points.slice(0, 300), { k: 10, seed: 1 });
    const window = points.slice(100);
    const agreement = (warmStart: boolean) => {
      const second = fitTopics(window, {
        k: 10,
        seed: 2,
        previous: first.model,
        warmStart,
        matchDistance: 0.6,
      });
      const overlap = window.slice(0, 200).map((_, i) => [first.labels[100 + i]!, second.labels[i]!]);
      return adjustedRandIndex(
        overlap.map((p) => p[0]!),
        overlap.map((p) => p[1]!),
      );
    };
    expect(agreement(true)).toBeGreaterThan(0.7);
    expect(agreement(false)).toBeLessThan(0.5);
  });

  it('fits the shape of topics on distinct requests: a heavily repeated topic is still one topic', () => {
    // Topic 0's 30 requests are each asked 40 times (copies of the same vector, as the embedder gives for the
    // same text), the other six topics' once: 1,200 of 1,380 calls are topic 0.
    const repeated = vectors.flatMap((v, i) => (truth[i] === 0 ? Array.from({ length: 40 }, () => v) : [v]));
    const repeatedTruth = truth.flatMap((t) => (t === 0 ? Array<number>(40).fill(0) : [t]));
    const fit = fitTopics(repeated, { seed: 4, examples: 5 });
    expect(fit.selection!.k).toBe(7);
    expect(adjustedRandIndex(repeatedTruth, fit.labels)).toBe(1);
    const sizes = fit.model.topics.map((t) => t.size).sort((a, b) => b - a);
    expect(sizes).toEqual([1200, ...Array<number>(6).fill(30)]);
    const big = fit.model.topics.find((t) => t.size === 1200)!;
    expect(new Set(big.examples.map((i) => repeated[i])).size).toBe(5);
  });

  it('still finds topics among a few distinct requests asked many times', () => {
    // 3 topics x 5 distinct requests x 20 calls each: 300 calls, 15 distinct vectors. The bound on k counts calls,
    // so 15 distinct vectors may hold 3 topics (counted in vectors, k could not pass 15 / 20 = 0: one topic).
    const few = blobs(centers.slice(0, 3), 5, 0.05, 26);
    const calls = few.vectors.flatMap((v) => Array.from({ length: 20 }, () => v));
    const callTruth = few.truth.flatMap((t) => Array<number>(20).fill(t));
    const fit = fitTopics(calls, { seed: 2 });
    expect(fit.selection!.k).toBe(3);
    expect(adjustedRandIndex(callTruth, fit.labels)).toBe(1);
    expect(fit.model.topics.map((t) => t.size)).toEqual([100, 100, 100]);
  });

  it('refuses texts that do not line up with the vectors', () => {
    expect(() => fitTopics(vectors, { k: 2, texts: ['one'] })).toThrow(/1 texts for 210 vectors/);
  });
});

describe('assignTopic', () => {
  const fit = fitTopics(vectors, { k: 7, noveltyQuantile: 0.95 });

  it('puts a new vector from a planted topic in that topic, not novel', () => {
    const fresh = blobs(centers, 5, 0.05, 30);
    fresh.vectors.forEach((v, i) => {
      const a = assignTopic(fit.model, v);
      expect(a.topicId).toBe(assignTopic(fit.model, centers[fresh.truth[i]!]!).topicId);
      expect(a.distance).toBeLessThan(0.2);
    });
    const flagged = fresh.vectors.filter((v) => assignTopic(fit.model, v).novel).length;
    expect(flagged).toBeLessThanOrEqual(4); // about 5% of 35 expected at the 0.95 quantile
  });

  it('flags vectors far from every topic as novel, with a higher score than members', () => {
    const far = directions(20, 32, 77);
    const scores = far.map((v) => assignTopic(fit.model, v));
    expect(scores.every((a) => a.novel && a.novelty > 1)).toBe(true);
    const memberMax = Math.max(...vectors.map((v) => assignTopic(fit.model, v).novelty));
    expect(Math.min(...scores.map((a) => a.novelty))).toBeGreaterThan(memberMax);
  });

  it('refuses a vector of another length', () => {
    expect(() => assignTopic(fit.model, new Float32Array(3))).toThrow(/3 dimensions, the model 32/);
  });
});
