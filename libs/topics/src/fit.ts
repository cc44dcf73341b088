import { kmeans } from './kmeans.js';
import { matchCentroids, splitsAndMerges } from './match.js';
import type { FitResult, Topic, TopicModel } from './model.js';
import { assignTopic } from './assign.js';
import { selectK, type SelectKOptions } from './select-k.js';
import { classTfIdf } from './terms.js';
import { dimensionOf, dot, quantile, unit } from './vectors.js';

export interface FitOptions {
  /** Same seed, same window: same topics. Default 1. */
  seed?: number;
  /** Fixed number of topics (skips the choice of k; for baselines and tests). */
  k?: number;
  /** How k is chosen when not given. */
  selection?: SelectKOptions;
  /** Seeded k-means runs on the window; the tightest (least inertia) is kept. Default 3. */
  restarts?: number;
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
}

/** Members' distances are pooled with this many "virtual members" at the window-wide quantile (small topics). */
const RADIUS_PRIOR = 10;

/** Fits topics on a window of vectors (unit request embeddings): k-means with k chosen by silhouette. */
export function fitTopics(vectors: readonly Float32Array[], options: FitOptions = {}): FitResult {
  const dimensions = dimensionOf(vectors);
  if (options.texts && options.texts.length !== vectors.length)
    throw new Error(`${options.texts.length} texts for ${vectors.length} vectors`);
  const seed = options.seed ?? 1;
  const selection = options.k ? undefined : selectK(vectors, { seed, ...options.selection });
  const k = options.k ?? selection!.k;
  let best: ReturnType<typeof kmeans> | undefined;
  for (let r = 0; r < Math.max(1, options.restarts ?? 3); r++) {
    const run = kmeans(vectors, { k, seed: seed + 7919 * r });
    if (!best || run.inertia < best.inertia) best = run;
  }
  const { labels } = best!;
  const centroids = best!.centroids.map(unit);
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
  const match = matchCentroids(
    previous?.topics ?? [],
    centroids,
    options.matchDistance ?? 0.15,
  );
  let nextTopicNumber = previous?.nextTopicNumber ?? 1;
  const ids = match.continues.map((id) => id ?? `t${nextTopicNumber++}`);
  const topics: Topic[] = centroids.map((centroid, c) => {
    const own = members[c]!.map((i) => distances[i]!);
    const radius = (own.length * (quantile(own, q) || 0) + RADIUS_PRIOR * globalRadius) / (own.length + RADIUS_PRIOR);
    return {
      id: ids[c]!,
      centroid,
      size: members[c]!.length,
      terms: termLists[c]!,
      examples: [...members[c]!].sort((a, b) => distances[a]! - distances[b]!).slice(0, options.examples ?? 5),
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
  return { model, labels: newLabels, selection, lineage };
}
