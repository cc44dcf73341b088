import { kmeans } from './kmeans.js';
import { matchCentroids, splitsAndMerges } from './match.js';
import type { FitResult, Topic, TopicModel } from './model.js';
import { assignTopic } from './assign.js';
import { type KSelection, selectK, type SelectKOptions } from './select-k.js';
import { classTfIdf } from './terms.js';
import { dimensionOf, dot, quantile, unit } from './vectors.js';
import { distinctVectors } from './distinct.js';

export interface FitOptions {
  /** Same seed, same window: same topics. Default 1. */
  seed?: number;
  /** Fixed number of topics (skips the choice of k; for baselines and tests). */
  k?: number;
  /** How k is chosen when not given. */
  selection?: SelectKOptions;
  /** Quantile of members' distances that sets each topic's radius for the novel flag. Default 0.99. */
  noveltyQuantile?: number;
  /** Texts of the window, same order as the vectors: they give each topic its terms. */
  texts?: readonly string[];
  /** Distinctive terms per topic. Default 8. */
  terms?: number;
  /** Representative examples per topic. Default 5. */
  examples?: number;
  /** The model this fit replaces: matched topics keep their ids, and splits and merges are recorded. */
  previous?: TopicModel;
  /** Largest cosine distance between an old and a new centroid for the new one to keep the old id. Default 0.15. */
  matchDistance?: number;
  /**
   * With `previous`: k-means starts from the old centroid wherever a starting point matches one (within
   * matchDistance), so topics the new window still supports stay where they were. Default true.
   */
  warmStart?: boolean;
}

/** Members' distances are pooled with this many "virtual members" at the window-wide quantile (small topics). */
const RADIUS_PRIOR = 10;

/**
 * Fits topics on a window of vectors (unit request embeddings): Ward's clustering of a subsample chooses k (best
 * silhouette, at most window / minTopicSize) and seeds k-means on the whole window. Both run on the window's
 * distinct vectors (a repeated request counts once in the shape of the topics); sizes, radii and terms count
 * every call.
 */
export function fitTopics(vectors: readonly Float32Array[], options: FitOptions = {}): FitResult {
  const dimensions = dimensionOf(vectors);
  if (options.texts && options.texts.length !== vectors.length)
    throw new Error(`${options.texts.length} texts for ${vectors.length} vectors`);
  const seed = options.seed ?? 1;
  const distinct = distinctVectors(vectors);
  // A given k skips the sweep but still seeds k-means from Ward's partition of the sample at that k.
  const selection = selectK(distinct.vectors, {
    seed,
    callsPerVector: vectors.length / Math.max(1, distinct.vectors.length),
    ...options.selection,
    ...(options.k ? { range: [options.k, options.k], minTopicSize: 1 } : {}),
  });
  let init = sampleMeans(distinct.vectors, selection);
  if (options.previous && options.warmStart !== false)
    init = warmInit(init, options.previous, options.matchDistance ?? 0.15);
  const fitted = kmeans(distinct.vectors, { k: selection.k, seed, init });
  const labels = Int32Array.from(distinct.of, (d) => fitted.labels[d]!);
  const centroids = fitted.centroids.map(unit);
  const members = centroids.map(() => [] as number[]);
  labels.forEach((c, i) => members[c]!.push(i));
  const distances = vectors.map((v, i) => 1 - dot(v, centroids[labels[i]!]!) / (Math.sqrt(dot(v, v)) || 1));
  const q = options.noveltyQuantile ?? 0.99;
  const globalRadius = quantile(distances, q);
  const termLists = options.texts
    ? classTfIdf(
        members.map((m) => m.map((i) => options.texts![i]!)),
        { top: options.terms ?? 8 },
      )
    : members.map(() => []);

  const previous = options.previous;
  const match = matchCentroids(previous?.topics ?? [], centroids, options.matchDistance ?? 0.15);
  let nextTopicNumber = previous?.nextTopicNumber ?? 1;
  const ids = match.continues.map((id) => id ?? `t${nextTopicNumber++}`);
  const topics: Topic[] = centroids.map((centroid, c) => {
    const own = members[c]!.map((i) => distances[i]!);
    const radius =
      (own.length * (quantile(own, q) || 0) + RADIUS_PRIOR * globalRadius) / (own.length + RADIUS_PRIOR);
    return {
      id: ids[c]!,
      centroid,
      size: members[c]!.length,
      terms: termLists[c]!,
      examples: distinctExamples(members[c]!, distances, distinct.of, options.examples ?? 5),
      radius: Math.max(radius, 1e-6),
    };
  });
  const model: TopicModel = { topics, dimensions, noveltyQuantile: q, nextTopicNumber };
  const newLabels = Array.from(labels, (c) => ids[c]!);
  const lineage = {
    continued: match.continues.filter((id): id is string => id !== null),
    created: ids.filter((_, c) => match.continues[c] === null),
    retired: match.retired,
    ...(previous
      ? splitsAndMerges(
          vectors.map((v) => assignTopic(previous, v).topicId),
          newLabels,
        )
      : { splits: [], merges: [] }),
  };
  return { model, labels: newLabels, selection: options.k ? undefined : selection, lineage };
}

/** The members closest to the centroid, one per distinct vector (a repeated request is one example). */
function distinctExamples(
  members: readonly number[],
  distances: readonly number[],
  distinctOf: Int32Array,
  count: number,
): number[] {
  const seen = new Set<number>();
  const examples: number[] = [];
  for (const i of [...members].sort((a, b) => distances[a]! - distances[b]!)) {
    if (examples.length === count) break;
    if (seen.has(distinctOf[i]!)) continue;
    seen.add(distinctOf[i]!);
    examples.push(i);
  }
  return examples;
}

/** Starting points replaced by the matched old centroid, scaled to the starting point's length (k-means works on
 * means, whose length is below 1, and the nearest-mean rule is not scale-free). */
function warmInit(init: Float32Array[], previous: TopicModel, maxDistance: number): Float32Array[] {
  const ids = new Map(previous.topics.map((t) => [t.id, t.centroid]));
  const { continues } = matchCentroids(previous.topics, init, maxDistance);
  return init.map((start, c) => {
    const old = continues[c] ? ids.get(continues[c]!)! : null;
    if (!old) return start;
    const length = Math.sqrt(dot(start, start));
    return Float32Array.from(old, (x) => x * length);
  });
}

/** Mean of each Ward cluster of the sample: k-means starts there (better and steadier than k-means++ here). */
function sampleMeans(vectors: readonly Float32Array[], selection: KSelection): Float32Array[] {
  const dim = vectors[0]!.length;
  const sums = Array.from({ length: selection.k }, () => new Float64Array(dim));
  const counts = new Int32Array(selection.k);
  selection.sampleIndexes.forEach((i, j) => {
    const c = selection.sampleLabels[j]!;
    counts[c]!++;
    const v = vectors[i]!;
    for (let d = 0; d < dim; d++) sums[c]![d]! += v[d]!;
  });
  return sums.map((s, c) => Float32Array.from(s, (x) => x / Math.max(1, counts[c]!)));
}
