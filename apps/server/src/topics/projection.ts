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

/**
 * Makes a map readable: the topic centres (already projected) are scaled to a unit extent and pushed apart until
 * no two are closer than a share of the map, and each topic's calls keep their offsets from its centre, shrunk
 * where the topic would overlap its neighbours. Linear projections of many topics pile centres on each other;
 * this keeps the layout's overall shape while every topic stays visible. Pure and deterministic.
 */
export function readableLayout(
  centres: readonly [number, number][],
  points: readonly { topic: number; xy: [number, number] }[],
): { centres: [number, number][]; points: [number, number][] } {
  const k = centres.length;
  const xs = [...centres.map((c) => c[0]), ...points.map((p) => p.xy[0])];
  const ys = [...centres.map((c) => c[1]), ...points.map((p) => p.xy[1])];
  const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
  const placed = centres.map(([x, y]) => [x / extent, y / extent] as [number, number]);
  const separation = k > 1 ? 0.8 / Math.sqrt(k) : 1;
  for (let round = 0; round < 200; round++) {
    let moved = false;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const a = placed[i]!;
        const b = placed[j]!;
        let dx = b[0] - a[0];
        let dy = b[1] - a[1];
        let d = Math.hypot(dx, dy);
        if (d >= separation) continue;
        if (d < 1e-9) [dx, dy, d] = [Math.cos(i + j), Math.sin(i + j), 1];
        const push = (separation - Math.hypot(b[0] - a[0], b[1] - a[1])) / 2;
        a[0] -= (dx / d) * push;
        a[1] -= (dy / d) * push;
        b[0] += (dx / d) * push;
        b[1] += (dy / d) * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const offsets = points.map((p) => {
    const c = centres[p.topic]!;
    return [(p.xy[0] - c[0]) / extent, (p.xy[1] - c[1]) / extent] as [number, number];
  });
  // Each topic's cloud fits in a disc of a third of the separation (its 90th-percentile offset).
  const radius = centres.map((_, t) => {
    const lengths = offsets.filter((_, i) => points[i]!.topic === t).map(([x, y]) => Math.hypot(x, y));
    lengths.sort((a, b) => a - b);
    return lengths[Math.floor(0.9 * (lengths.length - 1))] ?? 0;
  });
  const shrink = radius.map((r) => (r > 0 ? Math.min(1, separation / 3 / r) : 1));
  return {
    centres: placed,
    points: points.map((p, i) => {
      const c = placed[p.topic]!;
      const [ox, oy] = offsets[i]!;
      return [c[0] + ox * shrink[p.topic]!, c[1] + oy * shrink[p.topic]!];
    }),
  };
}
