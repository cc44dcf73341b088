import { describe, expect, it } from 'vitest';
import { matchCentroids, splitsAndMerges } from './match.js';

const v = (...x: number[]) => Float32Array.from(x);

describe('matchCentroids', () => {
  const previous = [
    { id: 't1', centroid: v(1, 0, 0) },
    { id: 't2', centroid: v(0, 1, 0) },
    { id: 't3', centroid: v(0, 0, 1) },
  ];

  it('continues each old topic in the nearest new centroid, one to one, in any order', () => {
    const match = matchCentroids(previous, [v(0, 0.99, 0.1), v(0.98, 0.1, 0), v(0.1, 0, 1)]);
    expect(match).toEqual({ continues: ['t2', 't1', 't3'], retired: [] });
  });

  it('leaves a centroid beyond the distance threshold unmatched and retires the old topic', () => {
    // Cosine similarity 0.8 to t3: distance 0.2 > 0.15.
    const match = matchCentroids(previous, [v(1, 0, 0), v(0, 1, 0), v(0, 0.6, 0.8)]);
    expect(match).toEqual({ continues: ['t1', 't2', null], retired: ['t3'] });
    expect(matchCentroids(previous, [v(1, 0, 0), v(0, 1, 0), v(0, 0.6, 0.8)], 0.25).continues[2]).toBe('t3');
  });

  it('handles more or fewer new centroids than old topics, and no old topics', () => {
    expect(matchCentroids(previous, [v(0, 0, 1)])).toEqual({ continues: ['t3'], retired: ['t1', 't2'] });
    expect(matchCentroids(previous.slice(0, 1), [v(0, 1, 0), v(1, 0.05, 0)]).continues).toEqual([null, 't1']);
    expect(matchCentroids([], [v(1, 0, 0)])).toEqual({ continues: [null], retired: [] });
  });
});

describe('splitsAndMerges', () => {
  it('records one old topic spread over several new ones, and several old ones gathered into one', () => {
    const oldIds = ['a', 'a', 'a', 'a', 'b', 'b', 'c', 'c', 'd', 'd'];
    const newIds = ['x', 'x', 'y', 'y', 'z', 'z', 'z', 'z', 'd', 'd'];
    expect(splitsAndMerges(oldIds, newIds)).toEqual({
      splits: [{ from: 'a', into: ['x', 'y'] }],
      merges: [{ from: ['b', 'c'], into: 'z' }],
    });
  });

  it('ignores a small leak below the share threshold', () => {
    const oldIds = [...Array(9).fill('a'), 'a', ...Array(10).fill('b')];
    const newIds = [...Array(9).fill('a'), 'b', ...Array(10).fill('b')];
    expect(splitsAndMerges(oldIds, newIds)).toEqual({ splits: [], merges: [] });
    expect(splitsAndMerges(oldIds, newIds, 0.05).splits).toEqual([{ from: 'a', into: ['a', 'b'] }]);
    expect(() => splitsAndMerges(['a'], [])).toThrow(/same vectors/);
  });
});
