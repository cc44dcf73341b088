import { hungarian } from './hungarian.js';
import { cosineDistance } from './vectors.js';

export interface TopicMatch {
  /** For each new centroid, the id of the old topic it continues, or null when it is a new topic. */
  continues: (string | null)[];
  /** Old topic ids that no new centroid continues. */
  retired: string[];
}

/**
 * Matches new centroids to old topics: a minimum total cosine distance one-to-one assignment (Hungarian), keeping
 * only pairs closer than `maxDistance` (default 0.15, i.e. cosine similarity above 0.85).
 */
export function matchCentroids(
  previous: readonly { id: string; centroid: Float32Array }[],
  next: readonly Float32Array[],
  maxDistance = 0.15,
): TopicMatch {
  const cost = next.map((c) => previous.map((p) => cosineDistance(c, p.centroid)));
  const pick = previous.length === 0 ? new Int32Array(next.length).fill(-1) : hungarian(cost);
  const continues = next.map((_, j) => {
    const i = pick[j]!;
    return i >= 0 && cost[j]![i]! <= maxDistance ? previous[i]!.id : null;
  });
  const kept = new Set(continues);
  return { continues, retired: previous.map((p) => p.id).filter((id) => !kept.has(id)) };
}

export interface Split {
  from: string;
  into: string[];
}
export interface Merge {
  from: string[];
  into: string;
}

/**
 * Splits and merges read from the same window labelled twice: by the old topics (`oldIds`, the nearest old topic
 * of each vector) and by the new fit (`newIds`). An old topic split when at least two new topics each took at least
 * `minShare` (default 0.25) of its vectors; a new topic is a merge when at least two old topics each gave at least
 * `minShare` of its vectors.
 */
export function splitsAndMerges(
  oldIds: readonly string[],
  newIds: readonly string[],
  minShare = 0.25,
): { splits: Split[]; merges: Merge[] } {
  if (oldIds.length !== newIds.length) throw new Error('both labellings must cover the same vectors');
  const flows = new Map<string, Map<string, number>>(); // old -> new -> count
  const inflows = new Map<string, Map<string, number>>(); // new -> old -> count
  const bump = (m: Map<string, Map<string, number>>, a: string, b: string) => {
    const row = m.get(a) ?? m.set(a, new Map()).get(a)!;
    row.set(b, (row.get(b) ?? 0) + 1);
  };
  oldIds.forEach((o, i) => {
    bump(flows, o, newIds[i]!);
    bump(inflows, newIds[i]!, o);
  });
  const big = (row: Map<string, number>) => {
    let total = 0;
    for (const c of row.values()) total += c;
    return [...row]
      .filter(([, c]) => c >= minShare * total)
      .map(([id]) => id)
      .sort();
  };
  const splits = [...flows]
    .map(([from, row]) => ({ from, into: big(row) }))
    .filter((s) => s.into.length >= 2)
    .sort((a, b) => (a.from < b.from ? -1 : 1));
  const merges = [...inflows]
    .map(([into, row]) => ({ from: big(row), into }))
    .filter((m) => m.from.length >= 2)
    .sort((a, b) => (a.into < b.into ? -1 : 1));
  return { splits, merges };
}
