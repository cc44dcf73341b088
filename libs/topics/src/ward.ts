/**
 * Agglomerative clustering with Ward's linkage by the nearest-neighbour chain algorithm (O(m^2) time, one m x m
 * matrix), on squared Euclidean distances with Lance-Williams updates. Returns the m - 1 merges in increasing
 * order of cost, so cutting the tree at any k is cheap (`cutTree`). It overwrites `squared` (no second m x m copy).
 */
export interface WardMerge {
  a: number;
  b: number;
  cost: number;
}

export function wardMerges(squared: Float32Array, m: number): WardMerge[] {
  const d = squared; // updated in place: row i holds cluster i's distances
  const size = new Int32Array(m).fill(1);
  const active = new Uint8Array(m).fill(1);
  const merges: WardMerge[] = [];
  const chain: number[] = [];
  let remaining = m;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    for (;;) {
      const a = chain[chain.length - 1]!;
      const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
      // Nearest active neighbour of a; prefer the previous chain element on a tie so the chain ends.
      let b = prev;
      let best = prev >= 0 ? d[a * m + prev]! : Infinity;
      for (let j = 0; j < m; j++) {
        if (!active[j] || j === a) continue;
        const x = d[a * m + j]!;
        if (x < best) [best, b] = [x, j];
      }
      if (b === prev) break; // reciprocal nearest neighbours: merge them
      chain.push(b);
    }
    const a = chain.pop()!;
    const b = chain.pop()!;
    const dab = d[a * m + b]!;
    merges.push({ a: Math.min(a, b), b: Math.max(a, b), cost: dab });
    const [keep, drop] = a < b ? [a, b] : [b, a];
    const na = size[keep]!;
    const nb = size[drop]!;
    for (let k = 0; k < m; k++) {
      if (!active[k] || k === keep || k === drop) continue;
      const nk = size[k]!;
      const v = ((na + nk) * d[keep * m + k]! + (nb + nk) * d[drop * m + k]! - nk * dab) / (na + nb + nk);
      d[keep * m + k] = v;
      d[k * m + keep] = v;
    }
    size[keep] = na + nb;
    active[drop] = 0;
    remaining--;
  }
  return merges.sort((x, y) => x.cost - y.cost);
}

/** Cluster labels 0..k-1 of the m points after applying the cheapest m - k merges. */
export function cutTree(merges: readonly WardMerge[], m: number, k: number): Int32Array {
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (let i = 0; i < m - k && i < merges.length; i++) parent[find(merges[i]!.b)] = find(merges[i]!.a);
  const ids = new Map<number, number>();
  return Int32Array.from({ length: m }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}
