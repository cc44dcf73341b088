import { kmeans } from './kmeans.js';
import { sampleIndexes, seededRandom } from './rng.js';
import { distanceMatrix, silhouette } from './silhouette.js';

export interface SelectKOptions {
  /** Smallest and largest k tried. Default [2, min(400, sample / 5)]. */
  range?: [number, number];
  /** Vectors the choice is made on (a seeded random subsample). Default 3,000. */
  sample?: number;
  seed?: number;
  /** Ratio between consecutive k of the coarse sweep. Default 1.25. */
  step?: number;
}

export interface KSelection {
  k: number;
  /** Every k tried, with the mean silhouette of k-means at that k on the sample. */
  scores: { k: number; silhouette: number }[];
  sample: number;
}

/**
 * Chooses the number of topics: k-means at each k of a geometric sweep on a subsample, scored by mean silhouette,
 * then every k between the best one's neighbours in the sweep; the best score wins (the smaller k on a tie).
 */
export function selectK(vectors: readonly Float32Array[], options: SelectKOptions = {}): KSelection {
  const seed = options.seed ?? 1;
  const idx = sampleIndexes(vectors.length, options.sample ?? 3000, seededRandom(seed ^ 0x5eed));
  const sample = idx.map((i) => vectors[i]!);
  const m = sample.length;
  const [lo, hi] = options.range ?? [2, Math.min(400, Math.floor(m / 5))];
  const kMin = Math.max(2, Math.min(lo, m - 1));
  const kMax = Math.max(kMin, Math.min(hi, m - 1));
  if (m < 3) return { k: Math.max(1, m), scores: [], sample: m };
  const distances = distanceMatrix(sample);
  const scored = new Map<number, number>();
  const score = (k: number) => {
    if (!scored.has(k)) {
      const { labels } = kmeans(sample, { k, seed, maxIterations: 30, tolerance: 0.002 });
      scored.set(k, silhouette(distances, labels));
    }
    return scored.get(k)!;
  };
  const sweep: number[] = [];
  for (let k = kMin; k <= kMax; k = Math.max(k + 1, Math.round(k * (options.step ?? 1.25)))) sweep.push(k);
  if (sweep[sweep.length - 1] !== kMax) sweep.push(kMax);
  sweep.forEach(score);
  const best = () => [...scored].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const coarse = best();
  const at = sweep.indexOf(coarse);
  const from = sweep[Math.max(0, at - 1)]!;
  const to = sweep[Math.min(sweep.length - 1, at + 1)]!;
  // Refine on a coarser grid when the bracket is wide (each k costs one k-means on the sample).
  const stride = Math.max(1, Math.round((to - from) / 12));
  for (let k = from; k <= to; k += stride) score(k);
  const scores = [...scored].map(([k, s]) => ({ k, silhouette: s })).sort((a, b) => a.k - b.k);
  return { k: best(), scores, sample: m };
}
