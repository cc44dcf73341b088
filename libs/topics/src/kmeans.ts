import { type Random, sampleIndexes, seededRandom } from './rng.js';
import { dimensionOf, dot } from './vectors.js';

export interface KMeansOptions {
  k: number;
  seed?: number;
  /** Lloyd iterations, or mini-batch steps when the data is large. Default 60 (Lloyd), 200 (mini-batch). */
  maxIterations?: number;
  /** Lloyd stops when at most this share of points changed cluster in an iteration. Default 0.0005. */
  tolerance?: number;
  /** Start from these centroids instead of k-means++ (a warm re-fit). */
  init?: readonly Float32Array[];
  /** Above this many vectors, mini-batch k-means (Sculley 2010) then one full assignment. Default 20,000. */
  miniBatchAbove?: number;
  /** Vectors per mini-batch step. Default 2,048. */
  batchSize?: number;
}

export interface KMeansResult {
  centroids: Float32Array[];
  labels: Int32Array;
  /** Squared distance of each vector to its centroid. */
  distances: Float32Array;
  /** Sum of `distances`: lower is a tighter fit. */
  inertia: number;
  iterations: number;
}

/** k-means++ seeding reads at most this many vectors, so its cost stays bounded on large windows. */
const SEEDING_SAMPLE = 5000;

/** k-means on Float32Array vectors (squared Euclidean; on unit vectors, the same order as cosine). */
export function kmeans(vectors: readonly Float32Array[], options: KMeansOptions): KMeansResult {
  const dim = dimensionOf(vectors);
  const n = vectors.length;
  const k = Math.min(options.k, n);
  if (!(k >= 1)) throw new Error(`k must be at least 1, got ${options.k}`);
  const random = seededRandom(options.seed ?? 1);
  let centroids = options.init
    ? options.init.slice(0, k).map((c) => Float32Array.from(c))
    : kmeansPlusPlus(vectors, k, random);
  if (centroids.some((c) => c.length !== dim))
    throw new Error('init centroids differ in length from vectors');
  let iterations = 0;
  if (n > (options.miniBatchAbove ?? 20_000)) {
    iterations = miniBatch(
      vectors,
      centroids,
      options.maxIterations ?? 200,
      options.batchSize ?? 2048,
      random,
    );
  } else {
    const labels = new Int32Array(n).fill(-1);
    const maxIterations = options.maxIterations ?? 60;
    const tolerance = options.tolerance ?? 0.0005;
    for (iterations = 1; iterations <= maxIterations; iterations++) {
      const { labels: next, distances } = assign(vectors, centroids);
      let changed = 0;
      for (let i = 0; i < n; i++) if (next[i] !== labels[i]) changed++;
      labels.set(next);
      centroids = means(vectors, labels, centroids, distances);
      if (changed <= tolerance * n) break;
    }
  }
  const { labels, distances } = assign(vectors, centroids);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += distances[i]!;
  return { centroids, labels, distances, inertia, iterations };
}

/** Nearest centroid of every vector and the squared distance to it. */
export function assign(
  vectors: readonly Float32Array[],
  centroids: readonly Float32Array[],
): { labels: Int32Array; distances: Float32Array } {
  const norms = centroids.map((c) => dot(c, c));
  const labels = new Int32Array(vectors.length);
  const distances = new Float32Array(vectors.length);
  vectors.forEach((v, i) => {
    let best = 0;
    let bestScore = Infinity;
    for (let c = 0; c < centroids.length; c++) {
      const score = norms[c]! - 2 * dot(v, centroids[c]!);
      if (score < bestScore) [best, bestScore] = [c, score];
    }
    labels[i] = best;
    distances[i] = Math.max(0, bestScore + dot(v, v));
  });
  return { labels, distances };
}

/** New centroids as cluster means; an emptied cluster takes the vector farthest from its centroid. */
function means(
  vectors: readonly Float32Array[],
  labels: Int32Array,
  previous: readonly Float32Array[],
  distances: Float32Array,
): Float32Array[] {
  const dim = previous[0]!.length;
  const sums = previous.map(() => new Float64Array(dim));
  const counts = new Int32Array(previous.length);
  vectors.forEach((v, i) => {
    const s = sums[labels[i]!]!;
    counts[labels[i]!]!++;
    for (let d = 0; d < dim; d++) s[d]! += v[d]!;
  });
  const taken = new Set<number>();
  return sums.map((s, c) => {
    if (counts[c]! > 0) return Float32Array.from(s, (x) => x / counts[c]!);
    let far = -1;
    for (let i = 0; i < vectors.length; i++)
      if (!taken.has(i) && (far < 0 || distances[i]! > distances[far]!)) far = i;
    taken.add(far);
    return Float32Array.from(vectors[far]!);
  });
}

/** Sculley's mini-batch k-means: each centroid moves toward its batch members at rate 1 / (its count so far). */
function miniBatch(
  vectors: readonly Float32Array[],
  centroids: Float32Array[],
  steps: number,
  batchSize: number,
  random: Random,
): number {
  const counts = new Float64Array(centroids.length);
  const dim = centroids[0]!.length;
  for (let step = 0; step < steps; step++) {
    const batch = Array.from({ length: batchSize }, () => vectors[Math.floor(random() * vectors.length)]!);
    const { labels } = assign(batch, centroids);
    batch.forEach((v, i) => {
      const c = centroids[labels[i]!]!;
      const rate = 1 / ++counts[labels[i]!]!;
      for (let d = 0; d < dim; d++) c[d]! += rate * (v[d]! - c[d]!);
    });
  }
  return steps;
}

/** Greedy k-means++ (Arthur & Vassilvitskii 2007; 2 + ln k candidates per step, as scikit-learn) on a sample. */
export function kmeansPlusPlus(vectors: readonly Float32Array[], k: number, random: Random): Float32Array[] {
  const sample = sampleIndexes(vectors.length, SEEDING_SAMPLE, random).map((i) => vectors[i]!);
  const m = sample.length;
  const candidates = 2 + Math.floor(Math.log(k));
  const nearest = new Float64Array(m).fill(Infinity);
  const centroids: Float32Array[] = [];
  const distancesTo = (c: Float32Array) => sample.map((v) => sqDist(v, c));
  let pick = sample[Math.floor(random() * m)]!;
  for (;;) {
    centroids.push(Float32Array.from(pick));
    const d = distancesTo(pick);
    for (let i = 0; i < m; i++) nearest[i] = Math.min(nearest[i]!, d[i]!);
    if (centroids.length >= k) return centroids;
    let bestPot = Infinity;
    for (let t = 0; t < candidates; t++) {
      const candidate = sample[weightedIndex(nearest, random)]!;
      const cd = distancesTo(candidate);
      let pot = 0;
      for (let i = 0; i < m; i++) pot += Math.min(nearest[i]!, cd[i]!);
      if (pot < bestPot) [bestPot, pick] = [pot, candidate];
    }
  }
}

function weightedIndex(weights: Float64Array, random: Random): number {
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return Math.floor(random() * weights.length);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) <= 0) return i;
  return weights.length - 1;
}

function sqDist(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}
