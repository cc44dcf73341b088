import { type Random } from './rng.js';

/** An undirected weighted graph as adjacency lists (each edge listed from both ends). */
export interface Graph {
  neighbours: Int32Array[];
  weights: Float64Array[];
}

/**
 * The symmetric k-nearest-neighbour graph of m points from their m x m distance matrix: i and j are joined when
 * either is among the other's k nearest (weight 1, or 2 when both are).
 */
export function knnGraph(distances: Float32Array, m: number, k: number): Graph {
  const edges = Array.from({ length: m }, () => new Map<number, number>());
  for (let i = 0; i < m; i++) {
    const row = distances.subarray(i * m, (i + 1) * m);
    const order = Array.from({ length: m }, (_, j) => j).filter((j) => j !== i);
    order.sort((a, b) => row[a]! - row[b]! || a - b);
    for (const j of order.slice(0, k)) {
      edges[i]!.set(j, (edges[i]!.get(j) ?? 0) + 1);
      edges[j]!.set(i, (edges[j]!.get(i) ?? 0) + 1);
    }
  }
  return {
    neighbours: edges.map((e) => Int32Array.from(e.keys())),
    weights: edges.map((e) => Float64Array.from(e.values())),
  };
}

/**
 * Communities of a graph by the Louvain method (Blondel et al. 2008): greedy local moves that raise modularity, then
 * the communities become nodes, until nothing moves. `resolution` 1 is standard modularity. Node order is shuffled
 * with `random`, so a seed gives one answer. Returns a community index (0..c-1) per node.
 */
export function louvain(graph: Graph, random: Random, resolution = 1): Int32Array {
  const n0 = graph.neighbours.length;
  let membership = Int32Array.from({ length: n0 }, (_, i) => i);
  let g = graph;
  for (;;) {
    const local = moveNodes(g, random, resolution);
    const count = new Set(local).size;
    membership = membership.map((c) => local[c]!);
    if (count === g.neighbours.length) break;
    g = aggregate(g, local, count);
  }
  return membership;
}

function moveNodes(g: Graph, random: Random, resolution: number): Int32Array {
  const n = g.neighbours.length;
  const degree = g.weights.map((w) => w.reduce((s, x) => s + x, 0));
  const total = degree.reduce((s, x) => s + x, 0); // 2m
  const community = Int32Array.from({ length: n }, (_, i) => i);
  const communityDegree = Float64Array.from(degree);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const linkTo = new Map<number, number>();
  for (let moved = true, rounds = 0; moved && rounds < 100; rounds++) {
    moved = false;
    for (const i of order) {
      const own = community[i]!;
      linkTo.clear();
      const nb = g.neighbours[i]!;
      const w = g.weights[i]!;
      for (let e = 0; e < nb.length; e++)
        if (nb[e] !== i) linkTo.set(community[nb[e]!]!, (linkTo.get(community[nb[e]!]!) ?? 0) + w[e]!);
      communityDegree[own]! -= degree[i]!;
      const gain = (c: number) => (linkTo.get(c) ?? 0) - (resolution * communityDegree[c]! * degree[i]!) / total;
      let best = own;
      let bestGain = gain(own);
      for (const c of linkTo.keys()) {
        const x = gain(c);
        if (x > bestGain + 1e-12 || (x === bestGain && c < best)) [best, bestGain] = [c, x];
      }
      communityDegree[best]! += degree[i]!;
      if (best !== own) {
        community[i] = best;
        moved = true;
      }
    }
  }
  const renumber = new Map<number, number>();
  return community.map((c) => renumber.get(c) ?? renumber.set(c, renumber.size).get(c)!);
}

/** The graph of communities: edge weights summed, edges inside a community kept as a self-loop. */
function aggregate(g: Graph, community: Int32Array, count: number): Graph {
  const edges = Array.from({ length: count }, () => new Map<number, number>());
  g.neighbours.forEach((nb, i) => {
    const a = community[i]!;
    nb.forEach((j, e) => {
      const b = community[j]!;
      edges[a]!.set(b, (edges[a]!.get(b) ?? 0) + g.weights[i]![e]!);
    });
  });
  return {
    neighbours: edges.map((e) => Int32Array.from(e.keys())),
    weights: edges.map((e) => Float64Array.from(e.values())),
  };
}
