import { auroc, type Random, seededRandom } from '@driftwatch/topics';
import { pearson3Sf } from './stats/distributions.js';
import { mannWhitney } from './stats/rank-tests.js';
import { permutationTail, shuffle } from './stats/resampling.js';
import { cap, dot32, meanVector, squaredDistance64, type VectorsLike, vectorsOf } from './vectors.js';

export interface DriftTest {
  /** Observed statistic. */
  statistic: number;
  /** Mean and sd of the statistic under the null. */
  nullMean: number;
  nullSd: number;
  /** One-sided p-value (larger statistic = more drift). */
  pValue: number;
}

/**
 * Cheap check: squared euclidean distance between the mean vectors, judged against its null distribution estimated
 * from the windows' own spread, not a constant. Under "same distribution" the difference of means is ~ N(0, s C)
 * (C the within-window covariance, s = 1/nb + 1/nc), so the squared distance is a weighted sum of chi-squares with
 * weights s x eig(C) (the large-sample form of its permutation null). Its first three cumulants, from tr(C), tr(C^2)
 * and tr(C^3), give a Pearson III tail (Imhof-Pearson): accurate deep in the tail, where a gamma fitted to a few
 * hundred permutations was too thin (p < 0.001 in 3 of 400 null windows). `maxPerSide` caps the vectors read
 * (seeded subsample); cost O(n x dim x min(n, dim) + min(n, dim)^3).
 */
export function meanDistanceTest(
  baseline: VectorsLike,
  current: VectorsLike,
  options: { seed?: number; maxPerSide?: number } = {},
): DriftTest {
  const random = seededRandom(options.seed ?? 1);
  const b = cap(vectorsOf(baseline), options.maxPerSide ?? 500, random);
  const c = cap(vectorsOf(current), options.maxPerSide ?? 500, random);
  const mb = meanVector(b);
  const mc = meanVector(c);
  const observed = squaredDistance64(mb, mc);
  // The covariance's traces from at most 400 centered rows: the d x d work, not the statistic, bounds the cost.
  const rows = cap([...b.map((v) => centered(v, mb)), ...c.map((v) => centered(v, mc))], 400, random);
  const n = b.length + c.length;
  const traces = covarianceTraces(rows, (rows.length * Math.max(1, n - 2)) / n);
  const s = 1 / b.length + 1 / c.length;
  const mean = s * traces[0];
  const variance = 2 * s * s * traces[1];
  const skewness = (8 * s ** 3 * traces[2]) / variance ** 1.5;
  const sd = Math.sqrt(variance);
  return {
    statistic: observed,
    nullMean: mean,
    nullSd: sd,
    pValue: pearson3Sf(observed, mean, sd, skewness),
  };
}

function centered(v: Float32Array, mean: Float64Array): Float64Array {
  return Float64Array.from(v, (x, d) => x - mean[d]!);
}

/** tr(C), tr(C^2), tr(C^3) of C = X'X / divisor, through the smaller of X'X and XX' (same nonzero eigenvalues). */
function covarianceTraces(rows: Float64Array[], divisor: number): [number, number, number] {
  const n = rows.length;
  const dim = rows[0]!.length;
  const m = Math.min(n, dim);
  const g = new Float64Array(m * m);
  if (dim <= n) {
    for (const r of rows)
      for (let i = 0; i < dim; i++) {
        const ri = r[i]!;
        if (ri === 0) continue;
        const row = i * dim;
        for (let j = i; j < dim; j++) g[row + j]! += ri * r[j]!;
      }
  } else {
    for (let i = 0; i < n; i++)
      for (let j = i; j < n; j++) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += rows[i]![d]! * rows[j]![d]!;
        g[i * n + j] = dot;
      }
  }
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) g[j * m + i] = g[i * m + j]! /= divisor;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  const square = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    t1 += g[i * m + i]!;
    square.fill(0);
    for (let k = 0; k < m; k++) {
      const gik = g[i * m + k]!;
      t2 += gik * gik;
      const row = k * m;
      for (let j = 0; j < m; j++) square[j]! += gik * g[row + j]!;
    }
    for (let j = 0; j < m; j++) t3 += square[j]! * g[j * m + i]!;
  }
  return [t1, t2, t3];
}

/**
 * Strong check: a classifier two-sample test (Lopez-Paz and Oquab 2017). A logistic regression learns to tell
 * current from baseline vectors on one half of each window; on the other half, its scores are compared with a
 * Mann-Whitney test (current scores higher?). Under "same distribution" the held-out labels are exchangeable with
 * the scores, so the p-value is valid however the classifier was trained, deep in the tail too. The statistic is
 * the held-out ROC AUC (0.5 = no drift). Sees any difference a linear direction separates (e.g. Sigma^-1 times the
 * mean shift), which is more than the raw mean distance on anisotropic embeddings.
 */
export function classifierTest(
  baseline: VectorsLike,
  current: VectorsLike,
  options: { seed?: number; maxPerSide?: number } = {},
): DriftTest {
  const random = seededRandom(options.seed ?? 1);
  const b = shuffle(cap(vectorsOf(baseline), options.maxPerSide ?? 1000, random), random);
  const c = shuffle(cap(vectorsOf(current), options.maxPerSide ?? 1000, random), random);
  const hb = Math.floor(b.length / 2);
  const hc = Math.floor(c.length / 2);
  const train = [...b.slice(0, hb).map((v) => ({ v, y: 0 })), ...c.slice(0, hc).map((v) => ({ v, y: 1 }))];
  const model = logisticRegression(train, random);
  const heldB = b.slice(hb).map((v) => model(v));
  const heldC = c.slice(hc).map((v) => model(v));
  const test = mannWhitney(heldB, heldC, 'greater');
  const n1 = heldC.length;
  const n2 = heldB.length;
  return {
    statistic: test.auc,
    nullMean: 0.5,
    nullSd: Math.sqrt((n1 + n2 + 1) / (12 * n1 * n2)),
    pValue: test.pValue,
  };
}

/**
 * Maximum mean discrepancy (biased V-statistic, Gaussian kernel with the median heuristic bandwidth) on a seeded
 * subsample, against its permutation null read through permutationTail. Sees any change of distribution, but the
 * fitted tail is somewhat thin (p < 0.001 in 3 of 400 null windows of 100 vectors a side), so detect() uses
 * classifierTest as the strong check; this stays for analysis. Cost O(n^2 x dim + permutations x n^2).
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
  const nulls = new Float64Array(options.permutations ?? 400);
  for (let r = 0; r < nulls.length; r++) {
    shuffle(labels, random);
    nulls[r] = mmd();
  }
  return judge(observed, nulls);
}

function judge(observed: number, nulls: Float64Array): DriftTest {
  const tail = permutationTail(observed, nulls);
  return { statistic: observed, nullMean: tail.mean, nullSd: tail.sd, pValue: tail.pValue };
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

/**
 * L2-regularized logistic regression by SGD on unit vectors, from w = 0 with a small decaying step: the first steps
 * follow the difference of class means (a nearest-centroid direction), later ones refine it. Only the ranking of the
 * scores matters (AUC), so no calibration is needed.
 */
function logisticRegression(
  train: readonly { v: Float32Array; y: number }[],
  random: Random,
  epochs = 10,
): (v: Float32Array) => number {
  const dim = train[0]!.v.length;
  const w = new Float64Array(dim);
  let bias = 0;
  const lambda = 1e-4;
  const order = train.map((_, i) => i);
  for (let e = 0; e < epochs; e++) {
    shuffle(order, random);
    const rate = 0.5 / (1 + e);
    for (const i of order) {
      const { v, y } = train[i]!;
      const z = dot32(v, w) + bias;
      const g = 1 / (1 + Math.exp(-z)) - y;
      for (let d = 0; d < dim; d++) w[d] = w[d]! * (1 - rate * lambda) - rate * g * v[d]!;
      bias -= rate * g;
    }
  }
  return (v) => dot32(v, w) + bias;
}
