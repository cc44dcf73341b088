import { sampleIndexes, seededRandom } from './rng.js';
import { distanceMatrix, silhouette } from './silhouette.js';
import { cutTree, wardMerges } from './ward.js';

export interface SelectKOptions {
  /** Vectors the choice is made on (a seeded random subsample of the window). Default 3,000. */
  sample?: number;
  /**
   * A topic averages at least this many vectors of the window and of the sample the choice is made on:
   * k <= min(window, sample) / minTopicSize (in calls, see callsPerVector). Default 20. The window's bound keeps each topic's novelty radius
   * estimated from enough members; the sample's keeps k from growing with traffic where the silhouette has no peak
   * (it keeps rising as paraphrases split, e.g. CLINC150: 797 topics for 150 intents at 16,000 calls when only
   * the window bounded k) and scores no cluster of fewer than ~minTopicSize sample points.
   */
  minTopicSize?: number;
  /** Smallest and largest k tried (within the bound above). Default [2, 1,000]. */
  range?: [number, number];
  /**
   * Calls each vector stands for on average (a window of distinct requests, see fit.ts). The bound counts calls,
   * up to `sample` of them: 250 calls of 4 distinct questions may hold 3 topics, not 1. Default 1.
   */
  callsPerVector?: number;
  seed?: number;
}

export interface KSelection {
  k: number;
  /** Every k tried, with the mean silhouette of the Ward partition at that k on the sample. */
  scores: { k: number; silhouette: number }[];
  /** Largest k allowed (min(window, sample) / minTopicSize, within range): when k equals it, the bound chose k. */
  kMax: number;
  sample: number;
  /** Sample indexes (into the window) and their Ward labels at k: k-means on the window starts from them. */
  sampleIndexes: number[];
  sampleLabels: Int32Array;
}

/**
 * Chooses the number of topics: Ward's agglomerative clustering of a subsample gives a partition at every k at
 * once; each k of a fine geometric sweep (ratio 1.03) is scored by mean silhouette on the sample; the best wins (the
 * smaller k on a tie).
 */
export function selectK(vectors: readonly Float32Array[], options: SelectKOptions = {}): KSelection {
  const seed = options.seed ?? 1;
  const idx = sampleIndexes(vectors.length, options.sample ?? 3000, seededRandom(seed ^ 0x5eed));
  const sample = idx.map((i) => vectors[i]!);
  const m = sample.length;
  const [lo, hi] = options.range ?? [2, 1000];
  const minTopicSize = options.minTopicSize ?? 20;
  const represented = Math.min(options.sample ?? 3000, m * Math.max(1, options.callsPerVector ?? 1));
  const kMax = Math.max(1, Math.min(hi, m - 1, Math.floor(represented / minTopicSize)));
  const kMin = Math.min(Math.max(2, lo), kMax);
  if (kMax < 2)
    return { k: 1, scores: [], kMax, sample: m, sampleIndexes: idx, sampleLabels: new Int32Array(m) };
  const distances = distanceMatrix(sample);
  const merges = wardMerges(
    distances.map((d) => d * d),
    m,
  );
  const scores: { k: number; silhouette: number }[] = [];
  for (let k = kMin; ; k = Math.max(k + 1, Math.round(k * 1.03))) {
    k = Math.min(k, kMax);
    scores.push({ k, silhouette: silhouette(distances, cutTree(merges, m, k)) });
    if (k === kMax) break;
  }
  const best = scores.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  return { k: best.k, scores, kMax, sample: m, sampleIndexes: idx, sampleLabels: cutTree(merges, m, best.k) };
}
