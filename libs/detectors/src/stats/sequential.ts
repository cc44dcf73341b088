import { seededRandom } from '@driftwatch/topics';
import { mean, quantileOf } from './resampling.js';

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
 * Page-Hinkley test for an increase of the mean: m_t = sum (x_i - mean_t - delta) with the running mean, alarm when
 * m_t - min m > lambda. delta is the tolerated drift (in the values' units).
 */
export function pageHinkley(delta: number): Path {
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
      m += values[t]! - sum / (t + 1) - delta;
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
 * rate, whatever the distribution's shape (heavy-tailed latencies included). `simulations` should be well above
 * 1 / rate (default 1,000 for rates down to 1%).
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

/** Runs an upper CUSUM over `current` with a threshold calibrated on `baseline` at `falseAlarmRate`. */
export function calibratedCusum(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  falseAlarmRate: number,
  options: { seed?: number; simulations?: number; k?: number } = {},
): SequentialResult {
  const m = mean(baseline);
  let v = 0;
  for (let i = 0; i < baseline.length; i++) v += (baseline[i]! - m) ** 2;
  const path = cusum({ mean: m, sd: Math.sqrt(v / Math.max(1, baseline.length - 1)) }, options.k ?? 0.5);
  const h = calibrateThreshold(baseline, current.length, path, falseAlarmRate, options);
  return path(current, h);
}
