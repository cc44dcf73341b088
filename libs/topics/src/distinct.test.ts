import { describe, expect, it } from 'vitest';
import { distinctVectors } from './distinct.js';

describe('distinctVectors', () => {
  it('collapses bit-identical vectors, keeps near-identical ones apart, and maps every input', () => {
    const a = Float32Array.from([0.6, 0.8]);
    const b = Float32Array.from([0.8, 0.6]);
    const nearA = Float32Array.from([0.6, 0.8000001]);
    const input = [a, b, Float32Array.from(a), nearA, b];
    const { vectors, of } = distinctVectors(input);
    expect(vectors).toEqual([a, b, nearA]);
    expect(Array.from(of)).toEqual([0, 1, 0, 2, 1]);
  });

  it('reads vectors that are views into a larger buffer', () => {
    const buffer = new Float32Array([9, 1, 2, 1, 2]);
    const { vectors, of } = distinctVectors([buffer.subarray(1, 3), buffer.subarray(3, 5)]);
    expect(vectors).toHaveLength(1);
    expect(Array.from(of)).toEqual([0, 0]);
  });
});
