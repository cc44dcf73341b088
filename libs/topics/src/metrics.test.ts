import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, auroc, normalizedMutualInformation } from './metrics.js';

// a: two clusters of three; b: three clusters of two, straddling a's boundary.
const a = [0, 0, 0, 1, 1, 1];
const b = [0, 0, 1, 1, 2, 2];

describe('adjustedRandIndex', () => {
  it('matches the value worked out by hand', () => {
    // Pairs together in both: C(2,2)+C(2,2) = 2. Rows: 2 C(3,2) = 6. Columns: 3 C(2,2) = 3. All pairs C(6,2) = 15.
    // Expected 6*3/15 = 1.2; max (6+3)/2 = 4.5; ARI = (2-1.2)/(4.5-1.2).
    expect(adjustedRandIndex(a, b)).toBeCloseTo(0.8 / 3.3, 12);
    expect(adjustedRandIndex(b, a)).toBeCloseTo(0.8 / 3.3, 12);
  });

  it('is 1 for the same partition under other names, and negative for worse than chance', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], ['x', 'x', 'y', 'y', 'z'])).toBe(1);
    // Every pair split apart that the other keeps together: index 0, expected 2*2/6, max 2: -0.5.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });

  it('treats two trivial partitions as agreeing and refuses lists of different lengths', () => {
    expect(adjustedRandIndex([1, 1, 1], [2, 2, 2])).toBe(1);
    expect(() => adjustedRandIndex([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('normalizedMutualInformation', () => {
  it('matches the value worked out by hand (arithmetic normalization)', () => {
    const ha = Math.log(2);
    const hb = Math.log(3);
    const joint = (2 / 3) * Math.log(3) + (1 / 3) * Math.log(6); // cells 2,1,1,2 of 6
    expect(normalizedMutualInformation(a, b)).toBeCloseTo((ha + hb - joint) / ((ha + hb) / 2), 12);
  });

  it('is 1 for equal partitions and 0 for independent ones', () => {
    expect(normalizedMutualInformation([3, 3, 4, 4], ['p', 'p', 'q', 'q'])).toBeCloseTo(1, 12);
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
  });
});

describe('auroc', () => {
  it('counts the share of positive-negative pairs ordered right', () => {
    // 0.9 and 0.8 beat both negatives; 0.4 beats 0.3 only: 5 of 6 pairs.
    expect(auroc([0.9, 0.8, 0.4], [0.5, 0.3])).toBeCloseTo(5 / 6, 12);
    expect(auroc([1, 2], [3, 4])).toBe(0);
  });

  it('counts a tie as one half', () => {
    expect(auroc([0.5], [0.5, 0.2])).toBeCloseTo(0.75, 12);
    expect(auroc([1, 1], [1, 1])).toBe(0.5);
  });

  it('needs both classes', () => {
    expect(() => auroc([], [1])).toThrow(/both/);
  });
});
