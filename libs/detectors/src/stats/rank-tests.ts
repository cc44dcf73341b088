import { normalSf } from './distributions.js';

export type Alternative = 'greater' | 'less' | 'two-sided';

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** One- or two-sided p-value of a standard-normal statistic; 'greater' means the current values are larger. */
export function normalPValue(z: number, alternative: Alternative): number {
  if (Number.isNaN(z)) return 1;
  if (alternative === 'greater') return normalSf(z);
  if (alternative === 'less') return normalSf(-z);
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/**
 * Mann-Whitney U test of `current` against `baseline` (normal approximation with tie correction and continuity
 * correction). 'greater': current values tend to be larger. statistic = z; also returns U of current and the
 * common-language effect P(current > baseline) + P(tie) / 2. O(n log n).
 */
export function mannWhitney(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  alternative: Alternative = 'two-sided',
): TestResult & { u: number; auc: number } {
  const n1 = current.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1, u: NaN, auc: NaN };
  const n = n1 + n2;
  // Each side sorted natively (typed-array sort, no comparator), then merged: ranks in O(n) after O(n log n).
  const c = Float64Array.from(current).sort();
  const b = Float64Array.from(baseline).sort();
  let rankSum = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  let rank = 0;
  while (i < n1 || j < n2) {
    const v = i < n1 && (j >= n2 || c[i]! <= b[j]!) ? c[i]! : b[j]!;
    let inC = 0;
    let inB = 0;
    while (i < n1 && c[i] === v) [i, inC] = [i + 1, inC + 1];
    while (j < n2 && b[j] === v) [j, inB] = [j + 1, inB + 1];
    const t = inC + inB;
    rankSum += inC * (rank + (t + 1) / 2);
    tieTerm += t * t * t - t;
    rank += t;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const auc = u / (n1 * n2);
  if (!(variance > 0)) return { statistic: 0, pValue: 1, u, auc };
  const d = u - mean;
  const correction =
    alternative === 'two-sided' ? Math.sign(d) * 0.5 : alternative === 'greater' ? 0.5 : -0.5;
  const z = (d - correction) / Math.sqrt(variance);
  return { statistic: z, pValue: normalPValue(z, alternative), u, auc };
}
