import { describe, expect, it } from 'vitest';
import { dot, l2Normalize, sameModel } from './vectors.js';

describe('l2Normalize', () => {
  it('scales to unit length without changing direction', () => {
    expect(Array.from(l2Normalize([3, 4]) ?? [])).toEqual([0.6000000238418579, 0.800000011920929]);
    const v = l2Normalize(new Float32Array([1e-20, 2e-20, -2e-20]));
    expect(v && dot(v, v)).toBeCloseTo(1, 6);
  });

  it('refuses vectors with no direction or with values that are not finite numbers', () => {
    expect(l2Normalize([])).toBeNull();
    expect(l2Normalize([0, 0])).toBeNull();
    expect(l2Normalize([1, Number.NaN])).toBeNull();
    expect(l2Normalize([1, Number.POSITIVE_INFINITY])).toBeNull();
  });
});

describe('dot', () => {
  it('refuses vectors of different lengths', () => {
    expect(() => dot(new Float32Array(2), new Float32Array(3))).toThrow(/2 vs 3/);
  });
});

describe('sameModel', () => {
  it('compares names without case and organisation prefix; an empty name matches nothing', () => {
    expect(sameModel('sentence-transformers/all-MiniLM-L6-v2', 'all-minilm-l6-v2')).toBe(true);
    expect(sameModel('text-embedding-3-small', 'text-embedding-3-large')).toBe(false);
    expect(sameModel('', '')).toBe(false);
  });
});
