import { dot } from './vectors.js';

/** Pairwise Euclidean distances of the vectors, as a full m x m row-major matrix. */
export function distanceMatrix(vectors: readonly Float32Array[]): Float32Array {
  const m = vectors.length;
  const norms = vectors.map((v) => dot(v, v));
  const out = new Float32Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const d = Math.sqrt(Math.max(0, norms[i]! + norms[j]! - 2 * dot(vectors[i]!, vectors[j]!)));
      out[i * m + j] = d;
      out[j * m + i] = d;
    }
  }
  return out;
}

/**
 * Mean silhouette (Rousseeuw 1987) of a labelling, from a distance matrix: for each point, (b - a) / max(a, b) with a
 * its mean distance to its own cluster and b to the nearest other cluster; 0 for points alone in their cluster.
 */
export function silhouette(distances: Float32Array, labels: Int32Array): number {
  const m = labels.length;
  let k = 0;
  for (const l of labels) k = Math.max(k, l + 1);
  const sizes = new Int32Array(k);
  for (const l of labels) sizes[l]!++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < m; i++) {
    sums.fill(0);
    const row = i * m;
    for (let j = 0; j < m; j++) sums[labels[j]!]! += distances[row + j]!;
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / m;
}
