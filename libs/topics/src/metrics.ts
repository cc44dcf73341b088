/** Agreement between clusterings and separation of scores: adjusted Rand index, NMI, AUROC. */

type Labels = ArrayLike<number | string>;

interface Contingency {
  n: number;
  cells: Map<string, number>;
  rows: Map<number | string, number>;
  cols: Map<number | string, number>;
}

function contingency(a: Labels, b: Labels): Contingency {
  if (a.length !== b.length) throw new Error(`label lists differ in length: ${a.length} vs ${b.length}`);
  const cells = new Map<string, number>();
  const rows = new Map<number | string, number>();
  const cols = new Map<number | string, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${typeof a[i]}:${a[i]}\u0000${typeof b[i]}:${b[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  return { n: a.length, cells, rows, cols };
}

const pairs = (x: number) => (x * (x - 1)) / 2;

/** Adjusted Rand index (Hubert & Arabie 1985): 1 for the same partition, about 0 for chance agreement. */
export function adjustedRandIndex(a: Labels, b: Labels): number {
  const t = contingency(a, b);
  let index = 0;
  for (const c of t.cells.values()) index += pairs(c);
  let sumRows = 0;
  for (const c of t.rows.values()) sumRows += pairs(c);
  let sumCols = 0;
  for (const c of t.cols.values()) sumCols += pairs(c);
  const expected = (sumRows * sumCols) / pairs(t.n);
  const max = (sumRows + sumCols) / 2;
  // Both partitions trivial (one cluster each, or all singletons): they agree fully.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/** Normalized mutual information, arithmetic-mean normalization (scikit-learn's default). */
export function normalizedMutualInformation(a: Labels, b: Labels): number {
  const t = contingency(a, b);
  const ha = entropy(t.rows.values(), t.n);
  const hb = entropy(t.cols.values(), t.n);
  if (ha === 0 && hb === 0) return 1;
  const hJoint = entropy(t.cells.values(), t.n);
  const mi = ha + hb - hJoint;
  return Math.max(0, mi / ((ha + hb) / 2));
}

/**
 * Area under the ROC curve of `scores` for telling positives (higher should mean positive) from negatives: the
 * probability that a random positive outscores a random negative, ties counting one half (Mann-Whitney U).
 */
export function auroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  if (positives.length === 0 || negatives.length === 0)
    throw new Error('AUROC needs both positives and negatives');
  const all = [
    ...Array.from(positives, (s) => ({ s, p: 1 })),
    ...Array.from(negatives, (s) => ({ s, p: 0 })),
  ].sort((x, y) => x.s - y.s);
  let rankSumPositives = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const midRank = (i + 1 + j) / 2; // average rank of the tie group, 1-based
    for (let t = i; t < j; t++) if (all[t]!.p) rankSumPositives += midRank;
    i = j;
  }
  const np = positives.length;
  return (rankSumPositives - (np * (np + 1)) / 2) / (np * negatives.length);
}
