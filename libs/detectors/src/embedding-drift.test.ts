import { seededRandom, unit } from '@driftwatch/topics';
import { describe, expect, it } from 'vitest';
import {
  classifierTest,
  domainClassifierAuc,
  domainClassifierBaseline,
  meanDistanceTest,
  meanVectorDistanceBaseline,
  mmdTest,
} from './embedding-drift.js';
import { gaussian } from './test-support.js';

/** Unit vectors around `k` topic directions (64 dims to keep the test fast), topic j drawn with weight shares[j]. */
function sampler(seed: number, k = 8, dim = 64) {
  const random = seededRandom(seed);
  const g = gaussian(random);
  const centers = Array.from({ length: k }, () => unit(Float32Array.from({ length: dim }, g)));
  return (n: number, shares: number[] = centers.map(() => 1 / k)) =>
    Array.from({ length: n }, () => {
      let u = random();
      let j = 0;
      while (j < k - 1 && (u -= shares[j]!) >= 0) j++;
      return unit(Float32Array.from(centers[j]!, (x) => x + 0.12 * g()));
    });
}

describe('embedding drift checks', { timeout: 120_000 }, () => {
  it('hold their level under the null, deep in the tail too', { timeout: 300_000 }, () => {
    const draw = sampler(1);
    const counts = { mean05: 0, mean001: 0, classifier05: 0, classifier001: 0, mmd05: 0 };
    for (let r = 0; r < 200; r++) {
      const b = draw(200);
      const c = draw(200);
      const m = meanDistanceTest(b, c, { seed: r }).pValue;
      const k = classifierTest(b, c, { seed: r }).pValue;
      if (m < 0.05) counts.mean05++;
      if (m < 0.001) counts.mean001++;
      if (k < 0.05) counts.classifier05++;
      if (k < 0.001) counts.classifier001++;
      if (r < 40 && mmdTest(b, c, { seed: r, permutations: 200, maxPerSide: 100 }).pValue < 0.05)
        counts.mmd05++;
    }
    console.log(`null, 200 windows (MMD: 40): ${JSON.stringify(counts)}`);
    // 5% of 200 = 10 (sd 3.1); 0.1% of 200 = 0.2.
    expect(counts.mean05).toBeLessThanOrEqual(17);
    expect(counts.classifier05).toBeLessThanOrEqual(17);
    expect(counts.mean05 + counts.classifier05).toBeGreaterThanOrEqual(4);
    expect(counts.mean001 + counts.classifier001).toBeLessThanOrEqual(1);
    expect(counts.mmd05).toBeLessThanOrEqual(6);
  });

  it('find a topic whose share doubles', () => {
    const draw = sampler(2);
    const shifted = [0.25, 0.75 / 7, 0.75 / 7, 0.75 / 7, 0.75 / 7, 0.75 / 7, 0.75 / 7, 0.75 / 7];
    const b = draw(600);
    const c = draw(600, shifted);
    expect(meanDistanceTest(b, c, { seed: 1 }).pValue).toBeLessThan(1e-4);
    expect(mmdTest(b, c, { seed: 1 }).pValue).toBeLessThan(1e-4);
    expect(classifierTest(b, c, { seed: 1 }).pValue).toBeLessThan(0.01);
    const same = draw(600);
    expect(meanDistanceTest(b, same, { seed: 1 }).pValue).toBeGreaterThan(1e-3);
  });
});

describe('baselines for the evaluation harness', { timeout: 120_000 }, () => {
  it('mean-vector distance with a fixed threshold (Phoenix)', () => {
    const a = [Float32Array.of(1, 0), Float32Array.of(1, 0)];
    const b = [Float32Array.of(0, 1), { vector: Float32Array.of(0, 1) }];
    expect(meanVectorDistanceBaseline(a, b, 1)).toEqual({ drift: true, value: Math.SQRT2 });
    expect(meanVectorDistanceBaseline(a, b, 2)).toEqual({ drift: false, value: Math.SQRT2 });
  });

  it(
    'domain classifier AUC (Evidently): ~0.5 without drift, high with it, seeded',
    { timeout: 120_000 },
    () => {
      const draw = sampler(3);
      const b = draw(400);
      const null1 = domainClassifierAuc(b, draw(400), { seed: 1 });
      expect(Math.abs(null1 - 0.5)).toBeLessThan(0.07);
      const shifted = domainClassifierBaseline(
        b,
        draw(400, [0.5, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7, 0.5 / 7]),
        0.55,
        { seed: 1 },
      );
      expect(shifted.drift).toBe(true);
      expect(shifted.value).toBeGreaterThan(0.6);
      expect(domainClassifierBaseline(b, draw(400), 0.55, { seed: 2 }).drift).toBe(false);
      const again = draw(400);
      expect(domainClassifierAuc(b, again, { seed: 5 })).toBe(domainClassifierAuc(b, again, { seed: 5 }));
    },
  );
});
