/**
 * A 2-D projection for the topics map: the two principal axes of the topic centroids (weighted by topic size),
 * so topics spread apart as far as a linear view allows and a call lands near its topic's centroid. With fewer
 * than three topics the centroids span less than two axes, so the axes come from the points themselves.
 */
export function projectionAxes(
  centroids: readonly Float32Array[],
  weights: readonly number[],
  points: readonly Float32Array[],
): { mean: Float64Array; axes: [Float64Array, Float64Array] } {
  const basis = centroids.length >= 3 ? centroids : points;
  const w = centroids.length >= 3 ? weights : points.map(() => 1);
  const dim = basis[0]?.length ?? 0;
  const mean = new Float64Array(dim);
  const total = w.reduce((a, b) => a + b, 0) || 1;
  basis.forEach((v, i) => {
    for (let d = 0; d < dim; d++) mean[d]! += (w[i]! * v[d]!) / total;
  });
  const centered = basis.map((v) => Float64Array.from(v, (x, d) => x - mean[d]!));
  const first = principalAxis(centered, w, []);
  const second = principalAxis(centered, w, [first]);
  return { mean, axes: [first, second] };
}

/** Coordinates of a vector on the axes. */
export function project(
  v: Float32Array,
  projection: { mean: Float64Array; axes: [Float64Array, Float64Array] },
): [number, number] {
  const [a, b] = projection.axes;
  let x = 0;
  let y = 0;
  for (let d = 0; d < v.length; d++) {
    const c = v[d]! - projection.mean[d]!;
    x += c * a[d]!;
    y += c * b[d]!;
  }
  return [x, y];
}

/**
 * Leading eigenvector of the weighted covariance (power iteration, deterministic start), orthogonal to `done`.
 * A degenerate spread (one point) gives a unit axis along the first free dimension.
 */
function principalAxis(
  rows: readonly Float64Array[],
  weights: readonly number[],
  done: readonly Float64Array[],
): Float64Array {
  const dim = rows[0]?.length ?? 0;
  let axis = Float64Array.from({ length: dim }, (_, d) => 1 / Math.sqrt(dim) + (d % 7) * 1e-3);
  const orthogonalize = (v: Float64Array) => {
    for (const u of done) {
      const p = dotF64(v, u);
      for (let d = 0; d < dim; d++) v[d]! -= p * u[d]!;
    }
    const n = Math.sqrt(dotF64(v, v));
    if (n > 0) for (let d = 0; d < dim; d++) v[d]! /= n;
    return n;
  };
  orthogonalize(axis);
  for (let iteration = 0; iteration < 100; iteration++) {
    const next = new Float64Array(dim);
    rows.forEach((r, i) => {
      const p = weights[i]! * dotF64(r, axis);
      for (let d = 0; d < dim; d++) next[d]! += p * r[d]!;
    });
    if (orthogonalize(next) === 0) break;
    const change = 1 - Math.abs(dotF64(next, axis));
    axis = next;
    if (change < 1e-9) break;
  }
  if (Math.abs(dotF64(axis, axis) - 1) > 1e-6) {
    axis = new Float64Array(dim);
    axis[done.length % Math.max(1, dim)] = 1;
  }
  return axis;
}

function dotF64(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
