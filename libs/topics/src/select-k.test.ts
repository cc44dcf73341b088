import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './metrics.js';
import { selectK } from './select-k.js';
import { distanceMatrix, silhouette } from './silhouette.js';
import { blobs, directions } from './test-support.js';

describe('silhouette', () => {
  it('matches the value worked out by hand on four points of a line', () => {
    // 0, 1 | 10, 11: a = 1 for all; b = 10.5, 9.5, 9.5, 10.5.
    const points = [0, 1, 10, 11].map((x) => Float32Array.from([x]));
    const s = silhouette(distanceMatrix(points), Int32Array.from([0, 0, 1, 1]));
    expect(s).toBeCloseTo((9.5 / 10.5 + 8.5 / 9.5) / 2, 6);
  });

  it('scores a singleton cluster 0 for its point', () => {
    const points = [0, 1, 10].map((x) => Float32Array.from([x]));
    // Points 0 and 1: a = 1, b = 10 and 9; point 10 alone: 0.
    expect(silhouette(distanceMatrix(points), Int32Array.from([0, 0, 1]))).toBeCloseTo(
      (9 / 10 + 8 / 9) / 3,
      6,
    );
  });
});

describe('selectK', () => {
  it.each([3, 8, 20])('finds the %i planted topics', (k) => {
    const { vectors, truth } = blobs(directions(k, 24, k), 25, 0.05, 100 + k);
    const selection = selectK(vectors, { seed: 1 });
    expect(selection.k).toBe(k);
    expect(selection.scores.find((s) => s.k === k)!.silhouette).toBe(
      Math.max(...selection.scores.map((s) => s.silhouette)),
    );
    // The sample's Ward labels at k are the planted topics.
    const sampleTruth = selection.sampleIndexes.map((i) => truth[i]!);
    expect(adjustedRandIndex(sampleTruth, selection.sampleLabels)).toBe(1);
  });

  it('works on a subsample and within the given range', () => {
    const { vectors } = blobs(directions(8, 24, 8), 60, 0.05, 9);
    const selection = selectK(vectors, { sample: 300, range: [2, 12] });
    expect(selection.sample).toBe(300);
    expect(selection.sampleIndexes).toHaveLength(300);
    expect(selection.k).toBe(8);
    expect(Math.max(...selection.scores.map((s) => s.k))).toBe(12);
  });

  it('never gives topics fewer members on average than minTopicSize, and says when that bound chose k', () => {
    const { vectors } = blobs(directions(8, 24, 8), 10, 0.05, 9);
    const selection = selectK(vectors, { minTopicSize: 20 });
    expect(selection.kMax).toBe(4);
    expect(selection.k).toBeLessThanOrEqual(4);
    expect(selectK(vectors.slice(0, 30), { minTopicSize: 20 }).k).toBe(1);
  });

  it('keeps k from growing with the window when the silhouette keeps rising (a sample of 300: k <= 15)', () => {
    // 60 tight groups of 20 vectors each (1,200 vectors): with the window alone bounding k (1,200 / 20 = 60) the
    // sweep would go to 60; scored on 300 sample points, groups would average 5 points.
    const { vectors } = blobs(directions(60, 48, 3), 20, 0.02, 11);
    const selection = selectK(vectors, { sample: 300, minTopicSize: 20 });
    expect(selection.kMax).toBe(15);
    expect(selection.k).toBeLessThanOrEqual(15);
    expect(Math.max(...selection.scores.map((s) => s.k))).toBe(15);
  });
});
