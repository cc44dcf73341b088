import { chiSquareSf, logFactorial } from './distributions.js';
import { type Alternative, normalPValue, type TestResult } from './rank-tests.js';

/** Smallest expected cell count at which twoProportion trusts the normal approximation. */
const EXACT_BELOW = 1000;

/** x successes out of n. */
export interface Count {
  x: number;
  n: number;
}

/**
 * Two-proportion z test (pooled variance) of current against baseline; 'greater': the current rate is higher.
 * Uses Fisher's exact test instead while an expected cell count is below EXACT_BELOW: the runs' multiple-testing
 * control rejects only far in the tail (p ~ 1e-5), where the normal approximation of a few dozen events is
 * anti-conservative several times over (7 errors in 1,818 baseline calls against 18 in 910: z gives 1.9e-5, the
 * exact test 8.3e-5; the z test opened a false error-rate problem on it). Above it the two agree and z is cheaper.
 */
export function twoProportion(
  baseline: Count,
  current: Count,
  alternative: Alternative = 'two-sided',
): TestResult {
  if (baseline.n === 0 || current.n === 0) return { statistic: 0, pValue: 1 };
  const pooled = (baseline.x + current.x) / (baseline.n + current.n);
  const expectedMin = Math.min(
    pooled * baseline.n,
    pooled * current.n,
    (1 - pooled) * baseline.n,
    (1 - pooled) * current.n,
  );
  const diff = current.x / current.n - baseline.x / baseline.n;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / baseline.n + 1 / current.n));
  const z = se > 0 ? diff / se : 0;
  if (expectedMin < EXACT_BELOW) return { statistic: z, pValue: fisherExact(baseline, current, alternative) };
  return { statistic: z, pValue: normalPValue(z, alternative) };
}

/**
 * The smallest p-value twoProportion(baseline, current, 'greater') can give with these margins (the same calls and
 * the same number of events): every event that fits on the current side. A rate over a handful of events can never
 * reach the level a run tests at; discreteBenjaminiHochberg leaves such tests out of the count (Tarone).
 */
export function minAttainablePGreater(baseline: Count, current: Count): number {
  const events = baseline.x + current.x;
  const top = Math.min(events, current.n);
  return twoProportion({ x: events - top, n: baseline.n }, { x: top, n: current.n }, 'greater').pValue;
}

/**
 * Fisher's exact test on the 2x2 table [current.x, current.n - current.x; baseline.x, baseline.n - baseline.x].
 * 'greater': current's rate is higher (upper tail of current.x given the margins). Two-sided sums the tables no more
 * likely than the observed one.
 */
export function fisherExact(baseline: Count, current: Count, alternative: Alternative = 'two-sided'): number {
  const total = baseline.x + current.x;
  const n = baseline.n + current.n;
  const lo = Math.max(0, total - baseline.n);
  const hi = Math.min(total, current.n);
  const logP = (k: number) =>
    logFactorial(current.n) -
    logFactorial(k) -
    logFactorial(current.n - k) +
    logFactorial(baseline.n) -
    logFactorial(total - k) -
    logFactorial(baseline.n - total + k) -
    (logFactorial(n) - logFactorial(total) - logFactorial(n - total));
  const observed = logP(current.x);
  let p = 0;
  for (let k = lo; k <= hi; k++) {
    const lp = logP(k);
    const include =
      alternative === 'greater'
        ? k >= current.x
        : alternative === 'less'
          ? k <= current.x
          : lp <= observed + 1e-7;
    if (include) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/**
 * Chi-square test of homogeneity of two count vectors over the same categories (e.g. topic counts in baseline and
 * current). Categories empty in both are dropped; df = categories - 1.
 */
export function chiSquareShares(
  baseline: readonly number[],
  current: readonly number[],
): TestResult & { df: number } {
  const nb = baseline.reduce((a, b) => a + b, 0);
  const nc = current.reduce((a, b) => a + b, 0);
  const n = nb + nc;
  if (nb === 0 || nc === 0) return { statistic: 0, pValue: 1, df: 0 };
  let stat = 0;
  let df = -1;
  baseline.forEach((b, i) => {
    const c = current[i] ?? 0;
    const col = b + c;
    if (col === 0) return;
    df++;
    const eb = (col * nb) / n;
    const ec = (col * nc) / n;
    stat += (b - eb) ** 2 / eb + (c - ec) ** 2 / ec;
  });
  if (df < 1) return { statistic: 0, pValue: 1, df: 0 };
  return { statistic: stat, pValue: chiSquareSf(stat, df), df };
}

/**
 * Benjamini-Hochberg adjusted p-values (same order as the input): a hypothesis is rejected at FDR q when its
 * adjusted p-value is <= q. Under the global null this also bounds the chance of any rejection by q.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[b]! - pValues[a]!);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach((i, r) => {
    const rank = m - r;
    running = Math.min(running, (pValues[i]! * m) / rank);
    adjusted[i] = Math.min(1, running);
  });
  return adjusted;
}

/**
 * Benjamini-Hochberg for a mix of continuous and discrete tests (Gilbert 2005, after Tarone 1990): a discrete test
 * (a rate over a few events) has a smallest attainable p-value, and one that cannot reach alpha / K is left out of
 * the count. K is the smallest number such that at most K tests can reach alpha / K; BH then runs over those tests
 * alone, and the rest get 1. This keeps the false discovery rate at alpha (the filter reads only the margins, which
 * carry no information on the alternative under the conditional test), while hundreds of untestable small slices no
 * longer raise the bar for the testable ones. minPValues[i] = 0 for a continuous test (always counted).
 */
export function discreteBenjaminiHochberg(
  pValues: readonly number[],
  minPValues: readonly number[],
  alpha: number,
): number[] {
  const m = pValues.length;
  const sorted = [...minPValues].sort((a, b) => a - b);
  let reachable = m;
  let k = 1;
  for (; k < m; k++) {
    while (reachable > 0 && sorted[reachable - 1]! > alpha / k) reachable--;
    if (reachable <= k) break;
  }
  const counted = pValues.map((_, i) => i).filter((i) => minPValues[i]! <= alpha / k);
  const adjusted = new Array<number>(m).fill(1);
  const counts = benjaminiHochberg(counted.map((i) => pValues[i]!));
  counted.forEach((i, j) => (adjusted[i] = counts[j]!));
  return adjusted;
}
