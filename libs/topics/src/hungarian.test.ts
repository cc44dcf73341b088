import { describe, expect, it } from 'vitest';
import { hungarian } from './hungarian.js';
import { seededRandom } from './rng.js';

const total = (cost: number[][], pick: Int32Array) =>
  Array.from(pick).reduce((s, j, i) => s + (j >= 0 ? cost[i]![j]! : 0), 0);

/** The least total cost over every assignment of rows to distinct columns (rows <= cols). */
function bruteForce(cost: number[][]): number {
  const cols = cost[0]!.length;
  const go = (i: number, used: Set<number>): number => {
    if (i === cost.length) return 0;
    let best = Infinity;
    for (let j = 0; j < cols; j++)
      if (!used.has(j)) best = Math.min(best, cost[i]![j]! + go(i + 1, new Set([...used, j])));
    return best;
  };
  return go(0, new Set());
}

describe('hungarian', () => {
  it('finds the cheapest one-to-one assignment of a small matrix', () => {
    const cost = [
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ];
    expect(Array.from(hungarian(cost))).toEqual([1, 0, 2]);
  });

  it('agrees with brute force on random square and wide matrices', () => {
    const random = seededRandom(11);
    for (const [rows, cols] of [
      [5, 5],
      [4, 6],
      [6, 6],
    ] as const) {
      for (let trial = 0; trial < 5; trial++) {
        const cost = Array.from({ length: rows }, () => Array.from({ length: cols }, () => random()));
        const pick = hungarian(cost);
        expect(new Set(pick).size).toBe(rows);
        expect(total(cost, pick)).toBeCloseTo(bruteForce(cost), 9);
      }
    }
  });

  it('leaves the extra rows of a tall matrix unassigned', () => {
    const cost = [[5], [1], [3]];
    expect(Array.from(hungarian(cost))).toEqual([-1, 0, -1]);
    expect(hungarian([]).length).toBe(0);
  });
});
