import { seededRandom } from '@driftwatch/topics';
import { quantileOf } from './resampling.js';

/** Where a sequential detector first crossed its threshold. */
export interface SequentialResult {
  alarm: boolean;
  /** Index of the first value at which the statistic exceeded the threshold, -1 without alarm. */
  alarmIndex: number;
  /** Estimated change point: where the run that raised the alarm started (-1 without alarm). */
  changeIndex: number;
  /** Largest value the statistic reached. */
  maxStatistic: number;
  threshold: number;
}

/** A sequential statistic's path over `values`: returns its largest value, first crossing of h and run start. */
type Path = (values: ArrayLike<number>, h: number) => SequentialResult;

/**
 * Upper one-sided CUSUM (Page 1954) on values standardized by the reference mean and sd:
 * s_t = max(0, s_{t-1} + (x_t - mean) / sd - k). k = half the shift (in sds) it is tuned for; alarm when s_t > h.
 */
export function cusum(reference: { mean: number; sd: number }, k = 0.5): Path {
  const sd = reference.sd > 0 ? reference.sd : 1;
  return (values, h) => {
    let s = 0;
    let start = 0;
    let max = 0;
    let alarmIndex = -1;
    let changeIndex = -1;
    for (let t = 0; t < values.length; t++) {
      const next = s + (values[t]! - reference.mean) / sd - k;
      if (next <= 0) {
        s = 0;
        start = t + 1;
      } else s = next;
      if (s > max) max = s;
      if (alarmIndex < 0 && s > h) [alarmIndex, changeIndex] = [t, start];
    }
    return { alarm: alarmIndex >= 0, alarmIndex, changeIndex, maxStatistic: max, threshold: h };
  };
}

/**
 * Page-Hinkley test for an increase of the mean: m_t = sum (x_i - mean - delta), alarm when m_t - min m > lambda.
 * `mean` is the reference mean (the baseline's); without it, the running mean of the values so far (the streaming
 * form). delta is the tolerated drift (in the values' units).
 */
export function pageHinkley(delta: number, referenceMean?: number): Path {
  return (values, lambda) => {
    let sum = 0;
    let m = 0;
    let min = 0;
    let minAt = 0;
    let max = 0;
    let alarmIndex = -1;
    let changeIndex = -1;
    for (let t = 0; t < values.length; t++) {
      sum += values[t]!;
      m += values[t]! - (referenceMean ?? sum / (t + 1)) - delta;
      if (m < min) [min, minAt] = [m, t + 1];
      const ph = m - min;
      if (ph > max) max = ph;
      if (alarmIndex < 0 && ph > lambda) [alarmIndex, changeIndex] = [t, minAt];
    }
    return { alarm: alarmIndex >= 0, alarmIndex, changeIndex, maxStatistic: max, threshold: lambda };
  };
}

/**
 * Threshold calibrated to a false-alarm rate per window: the null is simulated from the baseline itself (sequences
 * of `length` values drawn with replacement from the baseline, seeded), and the threshold is the (1 - rate)
 * quantile of the statistic's maximum over a sequence. So P(alarm in a window of `length` values | no change) ~=
 * rate for any distribution whose values the path reads on a bounded scale (see calibratedCusum for heavy tails).
 * `simulations` should be well above 1 / rate (default 1,000 for rates down to 1%).
 */
export function calibrateThreshold(
  baseline: ArrayLike<number>,
  length: number,
  path: Path,
  falseAlarmRate: number,
  options: { seed?: number; simulations?: number } = {},
): number {
  const random = seededRandom(options.seed ?? 1);
  const simulations = options.simulations ?? 1000;
  const maxima = new Float64Array(simulations);
  const seq = new Float64Array(length);
  for (let r = 0; r < simulations; r++) {
    for (let i = 0; i < length; i++) seq[i] = baseline[Math.floor(random() * baseline.length)]!;
    maxima[r] = path(seq, Infinity).maxStatistic;
  }
  return quantileOf(maxima, 1 - falseAlarmRate);
}

/**
 * Upper CUSUM of `current` against `baseline`, with a threshold calibrated to `falseAlarmRate` per window.
 * Values are read as normal scores of the baseline's empirical CDF (Phi^-1 of the mid-rank, so one extreme
 * latency moves the statistic by at most ~3.5, not by its raw size), then s_t = max(0, s_{t-1} + score - k).
 * Calibration is a two-level bootstrap: each simulation resamples a baseline of the same size (its CDF is an
 * estimate too) and a current window of the same length from the baseline, scores the one against the other and
 * records the statistic's maximum; h = the (1 - rate) quantile of those maxima. The rate holds on average over
 * baselines: for one given baseline it can be off by a factor ~2, since CUSUM is very sensitive to the reference
 * mean's estimation error (a 0.05 sd offset doubles the run length to an alarm). k defaults to 0.25 (tuned for a
 * shift of half a standard deviation of the scores).
 */
export function calibratedCusum(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  falseAlarmRate: number,
  options: { seed?: number; simulations?: number; k?: number } = {},
): SequentialResult {
  const random = seededRandom(options.seed ?? 1);
  const path = cusum({ mean: 0, sd: 1 }, options.k ?? 0.25);
  const simulations = options.simulations ?? 1000;
  const maxima = new Float64Array(simulations);
  const b = new Float64Array(baseline.length);
  const c = new Float64Array(current.length);
  for (let r = 0; r < simulations; r++) {
    for (let i = 0; i < b.length; i++) b[i] = baseline[Math.floor(random() * baseline.length)]!;
    for (let i = 0; i < c.length; i++) c[i] = baseline[Math.floor(random() * baseline.length)]!;
    maxima[r] = path(normalScores(b.sort(), c), Infinity).maxStatistic;
  }
  const h = quantileOf(maxima, 1 - falseAlarmRate);
  return path(normalScores(Float64Array.from(baseline).sort(), current), h);
}

/** Phi^-1 of each value's mid-rank CDF in the sorted reference, (rank + 0.5) / (n + 1). */
function normalScores(sortedReference: Float64Array, values: ArrayLike<number>): Float64Array {
  const n = sortedReference.length;
  return Float64Array.from({ length: values.length }, (_, i) => {
    const v = values[i]!;
    const below = lowerBound(sortedReference, v);
    const atOrBelow = lowerBound(sortedReference, v, true);
    return normalQuantile(((below + atOrBelow) / 2 + 0.5) / (n + 1));
  });
}

function lowerBound(sorted: Float64Array, v: number, inclusive = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v || (inclusive && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9 after one step). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
