import { auroc, type Random, seededRandom } from '@driftwatch/topics';
import { gammaSf } from './stats/distributions.js';
import { mean, shuffle } from './stats/resampling.js';
import { cap, dot32, meanVector, squaredDistance64, type VectorsLike, vectorsOf } from './vectors.js';

export interface DriftTest {
  /** Observed statistic. */
  statistic: number;
  /** Mean and sd of the statistic under the permutation null. */
  nullMean: number;
  nullSd: number;
  /** Tail p-value: gamma fitted to the permutation null (see gammaSf). */
  pValue: number;
}

/**
 * Cheap check: squared euclidean distance between the mean vectors, judged against its permutation null (the
 * pooled vectors relabelled at random), so the threshold comes from the data's own spread, not a constant.
 * `maxPerSide` caps the vectors read (seeded subsample); cost O(permutations x n x dim).
 */
export function meanDistanceTest(
  baseline: VectorsLike,
  current: VectorsLike,
  options: { seed?: number; permutations?: number; maxPerSide?: number } = {},
): DriftTest {
  const random = seededRandom(options.seed ?? 1);
  const b = cap(vectorsOf(baseline), options.maxPerSide ?? 500, random);
  const c = cap(vectorsOf(current), options.maxPerSide ?? 500, random);
  const observed = squaredDistance64(meanVector(b), meanVector(c));
  const pooled = [...b, ...c];
  const dim = pooled[0]!.length;
  const total = new Float64Array(dim);
  for (const v of pooled) for (let d = 0; d < dim; d++) total[d]! += v[d]!;
  // Sum over the smaller side only; the other side's mean follows from the total.
  const small = Math.min(b.length, c.length);
  const large = pooled.length - small;
  const sub = new Float64Array(dim);
  const nulls = new Float64Array(options.permutations ?? 200);
  for (let r = 0; r < nulls.length; r++) {
    partialShuffle(pooled, small, random);
    sub.fill(0);
    for (let i = 0; i < small; i++) {
      const v = pooled[i]!;
      for (let d = 0; d < dim; d++) sub[d]! += v[d]!;
    }
    let s = 0;
    for (let d = 0; d < dim; d++) s += (sub[d]! / small - (total[d]! - sub[d]!) / large) ** 2;
    nulls[r] = s;
  }
  return judge(observed, nulls);
}

/**
 * Strong check: maximum mean discrepancy (biased V-statistic, Gaussian kernel with the median heuristic bandwidth)
 * on a seeded subsample, against its permutation null. Sees any change of distribution, not only of the mean.
 * Cost O(n^2 x dim) for the kernel once, O(permutations x n^2) after, with n <= 2 x maxPerSide.
 */
export function mmdTest(
  baseline: VectorsLike,
  current: VectorsLike,
  options: { seed?: number; permutations?: number; maxPerSide?: number } = {},
): DriftTest {
  const random = seededRandom(options.seed ?? 1);
  const b = cap(vectorsOf(baseline), options.maxPerSide ?? 200, random);
  const c = cap(vectorsOf(current), options.maxPerSide ?? 200, random);
  const pooled = [...b, ...c];
  const n = pooled.length;
  const sq = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) sq[i * n + j] = sq[j * n + i] = squaredDistance64(pooled[i]!, pooled[j]!);
  const offDiagonal: number[] = [];
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 200)))
    for (let j = i + 1; j < n; j += Math.max(1, Math.floor(n / 200))) offDiagonal.push(sq[i * n + j]!);
  offDiagonal.sort((x, y) => x - y);
  const bandwidth = offDiagonal[Math.floor(offDiagonal.length / 2)] || 1;
  const kernel = sq.map((d) => Math.exp(-d / bandwidth));
  const labels = new Uint8Array(n);
  for (let i = b.length; i < n; i++) labels[i] = 1;
  const mmd = () => {
    let bb = 0;
    let cc = 0;
    let bc = 0;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const li = labels[i];
      for (let j = 0; j < n; j++) {
        const k = kernel[row + j]!;
        if (li !== labels[j]) bc += k;
        else if (li) cc += k;
        else bb += k;
      }
    }
    const nb = b.length;
    const nc = c.length;
    return bb / (nb * nb) + cc / (nc * nc) - bc / (nb * nc);
  };
  const observed = mmd();
  const nulls = new Float64Array(options.permutations ?? 200);
  for (let r = 0; r < nulls.length; r++) {
    shuffle(labels, random);
    nulls[r] = mmd();
  }
  return judge(observed, nulls);
}

function judge(observed: number, nulls: Float64Array): DriftTest {
  const m = mean(nulls);
  const variance = nulls.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, nulls.length - 1);
  return { statistic: observed, nullMean: m, nullSd: Math.sqrt(variance), pValue: gammaSf(observed, m, variance) };
}

/** Moves a uniform random choice of `count` items to the front (Fisher-Yates, stopped early). */
function partialShuffle<T>(items: T[], count: number, random: Random): void {
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (items.length - i));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/**
 * Phoenix-style baseline: euclidean distance between the mean vectors against a fixed threshold.
 */
export function meanVectorDistanceBaseline(
  baseline: VectorsLike,
  current: VectorsLike,
  threshold: number,
): { drift: boolean; value: number } {
  const value = Math.sqrt(squaredDistance64(meanVector(vectorsOf(baseline)), meanVector(vectorsOf(current))));
  return { drift: value > threshold, value };
}

/**
 * Evidently-style baseline: a domain classifier (logistic regression) learns to tell current from baseline
 * vectors; its cross-validated ROC AUC above `aucThreshold` (Evidently's default 0.55) means drift.
 */
export function domainClassifierBaseline(
  baseline: VectorsLike,
  current: VectorsLike,
  aucThreshold = 0.55,
  options: { seed?: number; maxPerSide?: number; folds?: number } = {},
): { drift: boolean; value: number } {
  const value = domainClassifierAuc(baseline, current, options);
  return { drift: value > aucThreshold, value };
}

/** Out-of-fold ROC AUC of a logistic regression telling current (1) from baseline (0) vectors, seeded. */
export function domainClassifierAuc(
  baseline: VectorsLike,
  current: VectorsLike,
  options: { seed?: number; maxPerSide?: number; folds?: number } = {},
): number {
  const random = seededRandom(options.seed ?? 1);
  const b = cap(vectorsOf(baseline), options.maxPerSide ?? 1000, random);
  const c = cap(vectorsOf(current), options.maxPerSide ?? 1000, random);
  const items = [...b.map((v) => ({ v, y: 0 })), ...c.map((v) => ({ v, y: 1 }))];
  shuffle(items, random);
  const folds = options.folds ?? 5;
  const scores = new Float64Array(items.length);
  for (let f = 0; f < folds; f++) {
    const train = items.filter((_, i) => i % folds !== f);
    const model = logisticRegression(train, random);
    items.forEach((it, i) => {
      if (i % folds === f) scores[i] = model(it.v);
    });
  }
  const pos: number[] = [];
  const neg: number[] = [];
  items.forEach((it, i) => (it.y ? pos : neg).push(scores[i]!));
  return auroc(pos, neg);
}

/** L2-regularized logistic regression by mini-batch SGD (features scaled by sqrt(dim): unit vectors' coordinates). */
function logisticRegression(
  train: readonly { v: Float32Array; y: number }[],
  random: Random,
  epochs = 15,
): (v: Float32Array) => number {
  const dim = train[0]!.v.length;
  const scale = Math.sqrt(dim);
  const w = new Float64Array(dim);
  let bias = 0;
  const lambda = 1e-3;
  const order = train.map((_, i) => i);
  for (let e = 0; e < epochs; e++) {
    shuffle(order, random);
    const rate = 0.5 / (1 + e);
    for (const i of order) {
      const { v, y } = train[i]!;
      const z = scale * dot32(v, w) + bias;
      const g = 1 / (1 + Math.exp(-z)) - y;
      for (let d = 0; d < dim; d++) w[d] = w[d]! * (1 - rate * lambda) - rate * g * scale * v[d]!;
      bias -= rate * g;
    }
  }
  return (v) => scale * dot32(v, w) + bias;
}
