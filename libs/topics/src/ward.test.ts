import { describe, expect, it } from 'vitest';
import { adjustedRandIndex } from './metrics.js';
import { seededRandom } from './rng.js';
import { distanceMatrix } from './silhouette.js';
import { cutTree, wardMerges } from './ward.js';

const squared = (points: Float32Array[]) => distanceMatrix(points).map((d) => d * d);

/** Greedy Ward by definition: merge the two clusters whose union adds the least squared error, until k remain. */
function naiveWard(points: Float32Array[], k: number): number[] {
  let clusters = points.map((_, i) => [i]);
  const sse = (members: number[]) => {
    const dim = points[0]!.length;
    const mean = Array.from(
      { length: dim },
      (_, d) => members.reduce((s, i) => s + points[i]![d]!, 0) / members.length,
    );
    return members.reduce((s, i) => s + points[i]!.reduce((t, x, d) => t + (x - mean[d]!) ** 2, 0), 0);
  };
  while (clusters.length > k) {
    let best = [0, 1];
    let bestCost = Infinity;
    for (let a = 0; a < clusters.length; a++)
      for (let b = a + 1; b < clusters.length; b++) {
        const cost = sse([...clusters[a]!, ...clusters[b]!]) - sse(clusters[a]!) - sse(clusters[b]!);
        if (cost < bestCost) [best, bestCost] = [[a, b], cost];
      }
    const [a, b] = best as [number, number];
    clusters = [...clusters.filter((_, i) => i !== a && i !== b), [...clusters[a]!, ...clusters[b]!]];
  }
  const labels = new Array<number>(points.length);
  clusters.forEach((members, c) => members.forEach((i) => (labels[i] = c)));
  return labels;
}

describe('wardMerges and cutTree', () => {
  it('merges five points of a line in the order and at the costs worked out by hand', () => {
    const points = [0, 1, 10, 11, 30].map((x) => Float32Array.from([x]));
    // Cost = 2 x the added squared error: pairs 1, 1; {0,1}+{10,11}: 2 * (2*2/4) * 10^2 = 200;
    // {0,1,10,11}+{30}: 2 * (4*1/5) * 24.5^2 = 960.4.
    const merges = wardMerges(squared(points), 5);
    expect(merges.map((m) => m.cost)).toEqual([1, 1, 200, expect.closeTo(960.4, 3)]);
    expect(Array.from(cutTree(merges, 5, 3))).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(cutTree(merges, 5, 2))).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(cutTree(merges, 5, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(cutTree(merges, 5, 1))).toEqual([0, 0, 0, 0, 0]);
  });

  it('cuts into the same partitions as greedy Ward by definition, at every k', () => {
    const random = seededRandom(4);
    const points = Array.from({ length: 14 }, () => Float32Array.from({ length: 3 }, () => random()));
    const merges = wardMerges(squared(points), points.length);
    for (let k = 1; k <= points.length; k++)
      expect(adjustedRandIndex(cutTree(merges, points.length, k), naiveWard(points, k))).toBe(1);
  });
});
