import { seededRandom } from '@driftwatch/topics';
import { describe, expect, it } from 'vitest';
import { gaussian } from '../test-support.js';
import { chiSquareSf, gammaSf, normalSf } from './distributions.js';
import {
  benjaminiHochberg,
  chiSquareShares,
  discreteBenjaminiHochberg,
  fisherExact,
  minAttainablePGreater,
  twoProportion,
} from './proportions.js';
import { mannWhitney } from './rank-tests.js';
import {
  permutationTest,
  quantileBootstrapTest,
  quantileDifferenceCi,
  quantileExceedanceTest,
} from './resampling.js';
import { calibratedCusum, calibrateThreshold, pageHinkley } from './sequential.js';

const draws = (n: number, g: () => number, f: (z: number) => number = (z) => z) =>
  Float64Array.from({ length: n }, () => f(g()));
/** Heavy-tailed, latency-like values. */
const lognormal = (median: number) => (z: number) => median * Math.exp(0.6 * z);

describe('distributions', { timeout: 120_000 }, () => {
  it('match tabulated values', () => {
    expect(normalSf(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalSf(-1.644854)).toBeCloseTo(0.95, 6);
    expect(normalSf(5)).toBeCloseTo(2.8665e-7, 10);
    expect(chiSquareSf(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSf(18.307038, 10)).toBeCloseTo(0.05, 6);
    expect(chiSquareSf(50.892181, 30)).toBeCloseTo(0.01, 6);
    // Gamma with mean 2, variance 4 is chi-square with 2 df (exponential with mean 2).
    expect(gammaSf(3, 2, 4)).toBeCloseTo(Math.exp(-1.5), 8);
  });
});

describe('Mann-Whitney U', { timeout: 120_000 }, () => {
  it('counts U like the definition, ties as one half', () => {
    const b = [1, 2, 2, 5];
    const c = [2, 3, 6];
    let u = 0;
    for (const x of c) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
    const r = mannWhitney(b, c, 'greater');
    expect(r.u).toBe(u);
    expect(r.auc).toBeCloseTo(u / 12, 12);
  });

  it('holds its level under the null and finds a 10% shift of heavy-tailed values', () => {
    const g = gaussian(seededRandom(11));
    let rejections = 0;
    for (let r = 0; r < 1000; r++)
      if (mannWhitney(draws(60, g, lognormal(100)), draws(40, g, lognormal(100)), 'greater').pValue < 0.05)
        rejections++;
    expect(rejections).toBeGreaterThan(30);
    expect(rejections).toBeLessThan(70);
    const shifted = mannWhitney(draws(2000, g, lognormal(100)), draws(2000, g, lognormal(110)), 'greater');
    expect(shifted.pValue).toBeLessThan(1e-4);
    expect(
      mannWhitney(draws(2000, g, lognormal(100)), draws(2000, g, lognormal(110)), 'less').pValue,
    ).toBeGreaterThan(0.5);
  });
});

describe('proportions', { timeout: 120_000 }, () => {
  it("Fisher's exact test matches the tea-tasting table", () => {
    expect(fisherExact({ x: 1, n: 4 }, { x: 3, n: 4 }, 'greater')).toBeCloseTo(17 / 70, 10);
    expect(fisherExact({ x: 1, n: 4 }, { x: 3, n: 4 }, 'two-sided')).toBeCloseTo(34 / 70, 10);
    expect(fisherExact({ x: 1, n: 4 }, { x: 3, n: 4 }, 'less')).toBeCloseTo(69 / 70, 10);
  });

  it('two-proportion z matches the formula on large counts and is Fisher on small ones', () => {
    const r = twoProportion({ x: 10_000, n: 100_000 }, { x: 10_300, n: 100_000 }, 'greater');
    const p = 20_300 / 200_000;
    const z = 0.003 / Math.sqrt(p * (1 - p) * (2 / 100_000));
    expect(r.statistic).toBeCloseTo(z, 10);
    expect(r.pValue).toBeCloseTo(normalSf(z), 10);
    expect(twoProportion({ x: 1, n: 4 }, { x: 3, n: 4 }, 'greater').pValue).toBeCloseTo(17 / 70, 10);
  });

  it('a few dozen events get the exact tail, not the anti-conservative normal one', () => {
    // The evaluation's case: a baseline with few errors (7 of 1,818) against 18 of 910.
    const [baseline, current] = [
      { x: 7, n: 1818 },
      { x: 18, n: 910 },
    ];
    const r = twoProportion(baseline, current, 'greater');
    expect(r.pValue).toBeCloseTo(fisherExact(baseline, current, 'greater'), 12);
    expect(r.pValue).toBeGreaterThan(4 * normalSf(r.statistic));
    expect(r.pValue).toBeGreaterThan(5e-5);
  });

  it('error rate 1% -> 4% over 1,000 calls each is significant, 1% -> 1% is not', () => {
    expect(twoProportion({ x: 10, n: 1000 }, { x: 40, n: 1000 }, 'greater').pValue).toBeLessThan(1e-4);
    expect(twoProportion({ x: 10, n: 1000 }, { x: 11, n: 1000 }, 'greater').pValue).toBeGreaterThan(0.3);
  });

  it('chi-square over share vectors: level under the null, power under a shift', () => {
    const random = seededRandom(5);
    const shares = [0.4, 0.3, 0.2, 0.1];
    const sample = (n: number, s: number[]) => {
      const counts = s.map(() => 0);
      for (let i = 0; i < n; i++) {
        let u = random();
        let j = 0;
        while (j < s.length - 1 && (u -= s[j]!) >= 0) j++;
        counts[j]!++;
      }
      return counts;
    };
    let rejections = 0;
    for (let r = 0; r < 1000; r++)
      if (chiSquareShares(sample(500, shares), sample(400, shares)).pValue < 0.05) rejections++;
    expect(rejections).toBeGreaterThan(30);
    expect(rejections).toBeLessThan(70);
    const shifted = chiSquareShares(sample(1000, shares), sample(1000, [0.3, 0.3, 0.2, 0.2]));
    expect(shifted.df).toBe(3);
    expect(shifted.pValue).toBeLessThan(1e-6);
  });

  it('Benjamini-Hochberg adjusts like the step-up definition', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005])).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(benjaminiHochberg([0.5, 0.9])).toEqual([0.9, 0.9]);
  });

  it('the smallest attainable p-value of a rate test puts every event on the current side', () => {
    // 3 events among 60 calls, 20 of them current: at best all 3 are current, C(20,3) / C(60,3).
    expect(minAttainablePGreater({ x: 2, n: 40 }, { x: 1, n: 20 })).toBeCloseTo(1140 / 34220, 10);
    expect(minAttainablePGreater({ x: 0, n: 40 }, { x: 0, n: 20 })).toBe(1);
    // Many events: the extreme table is far out (z path too).
    expect(minAttainablePGreater({ x: 400, n: 4000 }, { x: 200, n: 2000 })).toBeLessThan(1e-12);
  });

  it('discrete Benjamini-Hochberg leaves tests that cannot reach the level out of the count', () => {
    const p = [1e-4, 0.3, 0.6, 1e-3];
    // Continuous tests only: the same as Benjamini-Hochberg.
    expect(discreteBenjaminiHochberg(p, [0, 0, 0, 0], 0.01)).toEqual(benjaminiHochberg(p));
    // 300 rate tests over one or two events each (smallest p ~0.1-0.3) beside one strong test: BH counts all 301
    // (1e-4 x 301 = 0.03, missed at 0.01); only the strong one can reach 0.01 / K, so it is judged alone.
    const weak = Array.from({ length: 300 }, (_, i) => ({ p: 0.5 + (i % 5) / 10, minP: 0.1 + (i % 3) / 10 }));
    const ps = [1e-4, ...weak.map((w) => w.p)];
    const mins = [1e-9, ...weak.map((w) => w.minP)];
    expect(benjaminiHochberg(ps)[0]).toBeGreaterThan(0.01);
    const adjusted = discreteBenjaminiHochberg(ps, mins, 0.01);
    expect(adjusted[0]).toBeCloseTo(1e-4, 12);
    expect(adjusted.slice(1).every((a) => a === 1)).toBe(true);
  });

  it('discrete Benjamini-Hochberg keeps the chance of any false finding at the level under no change', () => {
    // 2,000 runs of 200 rate tests of unchanged rates (0.5%-20% over 40-400 calls a side; many see a handful of
    // events) at alpha 0.05: runs with any rejection stay within the level (binomial sd ~0.005).
    const random = seededRandom(33);
    const binomial = (n: number, rate: number) => {
      let x = 0;
      for (let i = 0; i < n; i++) if (random() < rate) x++;
      return x;
    };
    let runsWithFinding = 0;
    let counted = 0;
    for (let run = 0; run < 2000; run++) {
      const tests = Array.from({ length: 200 }, (_, i) => {
        const rate = [0.005, 0.02, 0.2][i % 3]!;
        const nb = 40 + ((i * 37) % 360);
        const nc = 40 + ((i * 53) % 360);
        const b = { x: binomial(nb, rate), n: nb };
        const c = { x: binomial(nc, rate), n: nc };
        return { p: twoProportion(b, c, 'greater').pValue, minP: minAttainablePGreater(b, c) };
      });
      const adjusted = discreteBenjaminiHochberg(
        tests.map((t) => t.p),
        tests.map((t) => t.minP),
        0.05,
      );
      counted += adjusted.filter((a) => a < 1).length;
      if (adjusted.some((a) => a <= 0.05)) runsWithFinding++;
    }
    expect(runsWithFinding / 2000).toBeLessThan(0.05 + 0.01);
    // The filter did leave tests out (else this test would only repeat Benjamini-Hochberg's).
    expect(counted / 2000).toBeLessThan(190);
  });
});

describe('quantiles', { timeout: 120_000 }, () => {
  it('the p95 exceedance test holds its level on heavy tails and sees a 40% slower tail', () => {
    const g = gaussian(seededRandom(21));
    let rejections = 0;
    for (let r = 0; r < 1000; r++)
      if (
        quantileExceedanceTest(draws(200, g, lognormal(800)), draws(120, g, lognormal(800)), 0.95).pValue <
        0.05
      )
        rejections++;
    expect(rejections).toBeGreaterThan(25);
    expect(rejections).toBeLessThan(70);
    const slower = quantileExceedanceTest(
      draws(1000, g, lognormal(800)),
      draws(1000, g, lognormal(1120)),
      0.95,
    );
    expect(slower.pValue).toBeLessThan(1e-4);
  });

  it('the bootstrap interval of the p95 difference covers the truth and excludes 0 after a shift', () => {
    const g = gaussian(seededRandom(22));
    const b = draws(1500, g, lognormal(1000));
    const c = draws(1500, g, lognormal(1400));
    const truth = 1400 * Math.exp(0.6 * 1.644854) - 1000 * Math.exp(0.6 * 1.644854);
    const ci = quantileDifferenceCi(b, c, 0.95, { seed: 3 });
    expect(ci.low).toBeGreaterThan(0);
    expect(ci.low).toBeLessThan(truth);
    expect(ci.high).toBeGreaterThan(truth);
    expect(quantileDifferenceCi(b, c, 0.95, { seed: 3 })).toEqual(ci);
    expect(quantileBootstrapTest(b, c, 0.95, 'greater', { seed: 3 }).pValue).toBeLessThan(1e-3);
    expect(quantileBootstrapTest(c, b, 0.95, 'greater', { seed: 3 }).pValue).toBeGreaterThan(0.9);
  });
});

describe('permutation test', { timeout: 120_000 }, () => {
  it('is seeded, near uniform under the null, and its fitted tail agrees with the Monte Carlo p-value', () => {
    const g = gaussian(seededRandom(31));
    const meanDiff = (a: readonly number[], b: readonly number[]) =>
      (a.reduce((s, x) => s + x, 0) / a.length - b.reduce((s, x) => s + x, 0) / b.length) ** 2;
    const small: number[] = [];
    for (let r = 0; r < 200; r++) {
      const t = permutationTest(Array.from(draws(40, g)), Array.from(draws(40, g)), meanDiff, {
        seed: r,
        permutations: 200,
      });
      if (t.pValue < 0.1) small.push(t.pValue);
      if (t.pValue > 0.05 && t.pValue < 0.5) expect(Math.abs(t.tailPValue - t.pValue)).toBeLessThan(0.1);
    }
    expect(small.length).toBeGreaterThan(8);
    expect(small.length).toBeLessThan(35);
    const a = Array.from(draws(100, g));
    const b = Array.from(draws(100, g, (z) => z + 0.8));
    const t = permutationTest(a, b, meanDiff, { seed: 1 });
    expect(t).toEqual(permutationTest(a, b, meanDiff, { seed: 1 }));
    expect(t.pValue).toBeLessThan(0.01);
    expect(t.tailPValue).toBeLessThan(1e-4);
  });
});

describe('sequential monitoring', { timeout: 120_000 }, () => {
  it('CUSUM calibrated on the baseline raises false alarms at about the stated rate', () => {
    const g = gaussian(seededRandom(41));
    let alarms = 0;
    for (let r = 0; r < 150; r++) {
      const baseline = draws(400, g, lognormal(900));
      if (calibratedCusum(baseline, draws(150, g, lognormal(900)), 0.05, { seed: r, simulations: 400 }).alarm)
        alarms++;
    }
    console.log(`CUSUM null alarms: ${alarms} of 150 windows at a stated rate of 5%`);
    // 5% of 150 = 7.5 (binomial sd 2.7).
    expect(alarms).toBeGreaterThanOrEqual(1);
    expect(alarms).toBeLessThanOrEqual(16);
  }, 120_000);

  it('CUSUM finds where a 40% rise started', () => {
    const g = gaussian(seededRandom(42));
    const baseline = draws(2000, g, lognormal(900));
    const current = Float64Array.from([...draws(300, g, lognormal(900)), ...draws(300, g, lognormal(1260))]);
    const r = calibratedCusum(baseline, current, 0.01, { seed: 2 });
    expect(r.alarm).toBe(true);
    expect(r.changeIndex).toBeGreaterThan(240);
    expect(r.changeIndex).toBeLessThan(360);
    expect(r.alarmIndex).toBeGreaterThan(300);
  });

  it('Page-Hinkley with a calibrated threshold alarms on a rise, not on the null', () => {
    const g = gaussian(seededRandom(43));
    const baseline = draws(2000, g);
    const path = pageHinkley(0.5, 0);
    const h = calibrateThreshold(baseline, 400, path, 0.01, { seed: 3 });
    expect(path(draws(400, g), h).alarm).toBe(false);
    const risen = path(Float64Array.from([...draws(200, g), ...draws(200, g, (z) => z + 1)]), h);
    expect(risen.alarm).toBe(true);
    expect(risen.changeIndex).toBeGreaterThan(150);
  });
});
