// The TF-IDF baseline: k-means (k-means++ seeding, Lloyd) on sparse L2-normalized TF-IDF vectors. Dense centroids,
// sparse documents, so one assignment costs n * k * (terms per text) rather than n * k * vocabulary.

/** Labels and inertia of `k` clusters of sparse vectors ({ indexes, values }) over `dim` terms. */
export function sparseKmeans(docs, dim, k, random, maxIterations = 60) {
  const n = docs.length;
  const dense = (doc) => {
    const c = new Float64Array(dim);
    doc.indexes.forEach((t, i) => (c[t] = doc.values[i]));
    return c;
  };
  const docNorm = docs.map((d) => d.values.reduce((s, x) => s + x * x, 0));
  const dist = (i, c, cNorm) => {
    let dot = 0;
    const d = docs[i];
    for (let t = 0; t < d.indexes.length; t++) dot += d.values[t] * c[d.indexes[t]];
    return Math.max(0, docNorm[i] + cNorm - 2 * dot);
  };
  // k-means++ seeding.
  const centroids = [dense(docs[Math.floor(random() * n)])];
  const nearest = new Float64Array(n).fill(Infinity);
  while (centroids.length < k) {
    const last = centroids[centroids.length - 1];
    const lastNorm = last.reduce((s, x) => s + x * x, 0);
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i] = Math.min(nearest[i], dist(i, last, lastNorm));
    let r = random() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++)
      if ((r -= nearest[i]) <= 0) {
        pick = i;
        break;
      }
    centroids.push(dense(docs[pick]));
  }
  const labels = new Int32Array(n).fill(-1);
  let inertia = 0;
  for (let it = 0; it < maxIterations; it++) {
    const norms = centroids.map((c) => c.reduce((s, x) => s + x * x, 0));
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = dist(i, centroids[c], norms[c]);
        if (d < bestD) [best, bestD] = [c, d];
      }
      if (labels[i] !== best) changed++;
      labels[i] = best;
      inertia += bestD;
    }
    if (changed === 0) break;
    const counts = new Int32Array(k);
    centroids.forEach((c) => c.fill(0));
    docs.forEach((d, i) => {
      counts[labels[i]]++;
      d.indexes.forEach((t, j) => (centroids[labels[i]][t] += d.values[j]));
    });
    centroids.forEach((c, j) => counts[j] > 0 && c.forEach((x, t) => (c[t] = x / counts[j])));
  }
  return { labels, inertia };
}
