import { describe, expect, it } from 'vitest';
import { assign, kmeans } from './kmeans.js';
import { adjustedRandIndex } from './metrics.js';
import { blobs, directions } from './test-support.js';

const centers = directions(6, 16, 1);
const { vectors, truth } = blobs(centers, 40, 0.05, 2);

describe('kmeans', () => {
  it('recovers well-separated blobs on the sphere', () => {
    const result = kmeans(vectors, { k: 6, seed: 1 });
    expect(adjustedRandIndex(truth, result.labels)).toBe(1);
    expect(result.centroids).toHaveLength(6);
    expect(result.inertia).toBeCloseTo(
      result.distances.reduce((s, d) => s + d, 0),
      6,
    );
  });

  it('gives the same result for the same seed', () => {
    const one = kmeans(vectors, { k: 9, seed: 5 });
    const two = kmeans(vectors, { k: 9, seed: 5 });
    expect(Array.from(two.labels)).toEqual(Array.from(one.labels));
    expect(two.inertia).toBe(one.inertia);
  });

  it('starts from given centroids and keeps their order', () => {
    const result = kmeans(vectors, { k: 6, init: centers });
    // Cluster c is the blob planted around centers[c].
    expect(Array.from(result.labels)).toEqual(truth);
  });

  it('uses mini-batches on large windows and still recovers the blobs', () => {
    const result = kmeans(vectors, { k: 6, seed: 3, miniBatchAbove: 100, batchSize: 64, maxIterations: 60 });
    expect(result.iterations).toBe(60);
    expect(adjustedRandIndex(truth, result.labels)).toBe(1);
  });

  it('refills an emptied cluster, caps k at the number of vectors, and refuses bad input', () => {
    const same = Array.from({ length: 4 }, () => Float32Array.from([1, 0]));
    const odd = [...same, Float32Array.from([0, 1])];
    const result = kmeans(odd, { k: 2, init: [Float32Array.from([1, 0]), Float32Array.from([-1, 0])] });
    expect(Array.from(result.labels)).toEqual([0, 0, 0, 0, 1]);
    expect(kmeans(same.slice(0, 2), { k: 5 }).centroids).toHaveLength(2);
    expect(() => kmeans([], { k: 2 })).toThrow(/no vectors/);
    expect(() => kmeans([Float32Array.from([1]), Float32Array.from([1, 2])], { k: 1 })).toThrow(/dimensions/);
  });
});

describe('assign', () => {
  it('gives each vector its nearest centroid and the squared distance to it', () => {
    const c = [Float32Array.from([1, 0]), Float32Array.from([0, 1])];
    const { labels, distances } = assign([Float32Array.from([0.8, 0.6]), Float32Array.from([0, 2])], c);
    expect(Array.from(labels)).toEqual([0, 1]);
    expect(distances[0]).toBeCloseTo(0.04 + 0.36, 6);
    expect(distances[1]).toBeCloseTo(1, 6);
  });
});
