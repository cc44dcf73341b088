import { type Random, seededRandom } from '@driftwatch/topics';
import { pearson3Sf } from './distributions.js';
import { type Count, twoProportion } from './proportions.js';
import { type Alternative, normalPValue, type TestResult } from './rank-tests.js';

/** The q-quantile (0..1) of the values, linear between order statistics (type 7); NaN when empty. */
export function quantileOf(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sortedQuantile(sorted, q);
}

export function sortedQuantile(sorted: Float64Array, q: number): number {
  const pos = Math.min(Math.max(q, 0), 1) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length ? s / values.length : NaN;
}

function resample(values: ArrayLike<number>, random: Random, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = values[Math.floor(random() * values.length)]!;
  return out;
}

export interface BootstrapInterval {
  estimate: number;
  low: number;
  high: number;
  /** Bootstrap standard error of the estimate. */
  se: number;
}

/**
 * Percentile-bootstrap confidence interval of quantile(current, q) - quantile(baseline, q), seeded. Each side is
 * resampled on its own; `cap` bounds the values read per side (a seeded subsample) so cost stays O(B * cap log cap).
 */
export function quantileDifferenceCi(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  q: number,
  options: { seed?: number; resamples?: number; level?: number; cap?: number } = {},
): BootstrapInterval {
  const random = seededRandom(options.seed ?? 1);
  const b = subsample(baseline, options.cap ?? 5000, random);
  const c = subsample(current, options.cap ?? 5000, random);
  const resamples = options.resamples ?? 200;
  const diffs = new Float64Array(resamples);
  const bb = new Float64Array(b.length);
  const cc = new Float64Array(c.length);
  for (let r = 0; r < resamples; r++)
    diffs[r] = quantileOf(resample(c, random, cc), q) - quantileOf(resample(b, random, bb), q);
  diffs.sort();
  const alpha = 1 - (options.level ?? 0.95);
  const m = mean(diffs);
  const se = Math.sqrt(diffs.reduce((s, d) => s + (d - m) ** 2, 0) / Math.max(1, resamples - 1));
  return {
    estimate: quantileOf(current, q) - quantileOf(baseline, q),
    low: sortedQuantile(diffs, alpha / 2),
    high: sortedQuantile(diffs, 1 - alpha / 2),
    se,
  };
}

/**
 * Bootstrap test of a quantile difference: z = difference / bootstrap SE, read on the normal. Unstable for tail
 * quantiles of small samples, so the detectors use `quantileExceedanceTest` for the decision and this for the
 * interval they report.
 */
export function quantileBootstrapTest(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  q: number,
  alternative: Alternative,
  options: { seed?: number; resamples?: number } = {},
): TestResult {
  const ci = quantileDifferenceCi(baseline, current, q, options);
  const z = ci.se > 0 ? ci.estimate / ci.se : 0;
  return { statistic: z, pValue: normalPValue(z, alternative) };
}

/**
 * Test that the q-quantile rose (or changed): the share of each window above the pooled q-quantile, compared with a
 * two-proportion test (Fisher's exact test on small counts). The threshold depends on the pooled values only, so
 * under the null both shares have the same expectation whatever the distribution: valid for any n, O(n log n).
 */
export function quantileExceedanceTest(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  q: number,
  alternative: Alternative = 'greater',
): TestResult & { threshold: number; baseline: Count; current: Count } {
  const pooled = new Float64Array(baseline.length + current.length);
  for (let i = 0; i < baseline.length; i++) pooled[i] = baseline[i]!;
  for (let i = 0; i < current.length; i++) pooled[baseline.length + i] = current[i]!;
  pooled.sort();
  const threshold = sortedQuantile(pooled, q);
  const above = (v: ArrayLike<number>) => {
    let x = 0;
    for (let i = 0; i < v.length; i++) if (v[i]! > threshold) x++;
    return { x, n: v.length };
  };
  const b = above(baseline);
  const c = above(current);
  return { ...twoProportion(b, c, alternative), threshold, baseline: b, current: c };
}

/**
 * Permutation test of a two-sample statistic (larger = more different), seeded: the pooled values are shuffled
 * `permutations` times and the statistic recomputed. Returns the Monte Carlo p-value (1 + #null >= observed) /
 * (1 + permutations) and `tailPValue` from permutationTail, which resolves the small p-values a multiple-testing
 * correction needs.
 */
export function permutationTest<T>(
  baseline: readonly T[],
  current: readonly T[],
  statistic: (baseline: readonly T[], current: readonly T[]) => number,
  options: { seed?: number; permutations?: number } = {},
): { statistic: number; pValue: number; tailPValue: number; nullMean: number; nullSd: number } {
  const random = seededRandom(options.seed ?? 1);
  const permutations = options.permutations ?? 200;
  const observed = statistic(baseline, current);
  const pooled = [...baseline, ...current];
  const nulls = new Float64Array(permutations);
  let atLeast = 0;
  for (let r = 0; r < permutations; r++) {
    shuffle(pooled, random);
    const s = statistic(pooled.slice(0, baseline.length), pooled.slice(baseline.length));
    nulls[r] = s;
    if (s >= observed) atLeast++;
  }
  const tail = permutationTail(observed, nulls);
  return {
    statistic: observed,
    pValue: (1 + atLeast) / (1 + permutations),
    tailPValue: tail.pValue,
    nullMean: tail.mean,
    nullSd: tail.sd,
  };
}

/**
 * Tail p-value of an observed statistic from its permutation null: a Pearson III fitted to the null's mean, sd and
 * skewness, the skewness raised by one standard error (sqrt(6 / permutations)) so a low estimate does not make the
 * tail too thin. Resolves the small p-values multiple-testing control needs without 10^4 permutations.
 */
export function permutationTail(
  observed: number,
  nulls: Float64Array,
): { pValue: number; mean: number; sd: number } {
  const m = mean(nulls);
  let m2 = 0;
  let m3 = 0;
  for (const v of nulls) {
    m2 += (v - m) ** 2;
    m3 += (v - m) ** 3;
  }
  m2 /= nulls.length;
  m3 /= nulls.length;
  const sd = Math.sqrt(m2);
  const skew = m2 > 0 ? m3 / m2 ** 1.5 + Math.sqrt(6 / nulls.length) : 0;
  return { pValue: pearson3Sf(observed, m, sd, skew), mean: m, sd };
}

export function shuffle<T, A extends { length: number; [i: number]: T }>(values: A, random: Random): A {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}

/** A seeded subsample of at most `cap` values (all of them, copied, when there are fewer). */
export function subsample(values: ArrayLike<number>, cap: number, random: Random): Float64Array {
  if (values.length <= cap) return Float64Array.from(values);
  const out = new Float64Array(cap);
  for (let i = 0; i < cap; i++) out[i] = values[Math.floor(random() * values.length)]!;
  return out;
}
