import { describe, expect, it } from 'vitest';
import { sampleIndexes, seededRandom } from './rng.js';
import { cosineDistance, dimensionOf, quantile, unit } from './vectors.js';

const v = (...x: number[]) => Float32Array.from(x);

describe('vector helpers', () => {
  it('scales to unit length, leaving a zero vector zero', () => {
    expect(Array.from(unit(v(3, 4)))).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(unit(v(0, 0)))).toEqual([0, 0]);
  });

  it('measures cosine distance whatever the lengths', () => {
    expect(cosineDistance(v(2, 0), v(5, 0))).toBeCloseTo(0, 9);
    expect(cosineDistance(v(1, 0), v(0, 3))).toBeCloseTo(1, 9);
    expect(cosineDistance(v(1, 1), v(-1, -1))).toBeCloseTo(2, 9);
  });

  it('interpolates quantiles between order statistics', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.99)).toBeCloseTo(4.96, 9);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('checks that vectors share one non-zero length', () => {
    expect(dimensionOf([v(1, 2), v(3, 4)])).toBe(2);
    expect(() => dimensionOf([v(1, 2), v(3)])).toThrow(/vector 1 has 1 dimensions, expected 2/);
  });
});

describe('seeded sampling', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(first[0]);
  });

  it('draws distinct sorted indexes, all of them when asked for more', () => {
    const picked = sampleIndexes(100, 10, seededRandom(1));
    expect(picked).toHaveLength(10);
    expect(new Set(picked).size).toBe(10);
    expect([...picked].sort((x, y) => x - y)).toEqual(picked);
    expect(picked.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(sampleIndexes(3, 5, seededRandom(1))).toEqual([0, 1, 2]);
  });
});
