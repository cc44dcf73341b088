import type { EmbeddedCall } from '@driftwatch/contracts';
import { cosineDistance, type Random, unit } from '@driftwatch/topics';
import { logFactorial } from './stats/distributions.js';
import { shuffle } from './stats/resampling.js';

/** A dense group of current calls where the baseline had (almost) none, found on half the current window. */
export interface Emerging {
  centroid: Float32Array;
  radius: number;
  contains(v: Float32Array): boolean;
  /** Indexes into `current` of the half the group was not found on (its confirmation sample). */
  confirmation: number[];
}

/** Neighbours looked at per call. */
const K = 15;
/** A call is "in excess" when so many of its K neighbours being current calls has at most this chance under H0. */
const EXCESS_P = 0.01;

/**
 * Emerging groups by local density, not by distance to the baseline's topics: a new intent close to an existing
 * topic (an "interest rate" question beside "APR" questions) falls inside that topic's radius and is never novel,
 * but around its calls the current window is far denser than the baseline.
 *
 * 1. The current calls are split in two at random: discovery and confirmation.
 * 2. Discovery calls are pooled with `reference` (a baseline sample that the caller does NOT use to confirm: the
 *    confirmation must be independent of the search). For each discovery call, count how many of its K nearest
 *    neighbours in the pool are discovery calls; under "nothing changed" that count is Binomial(K, share of
 *    discovery calls in the pool). Calls whose count has a tail probability <= EXCESS_P are "in excess".
 * 3. Calls in excess are grouped by single linkage (two are linked when each lies within the other's K-neighbourhood),
 *    keeping groups of at least max(5, 1% of the discovery half).
 * 4. Each group's region is a ball around its centroid; the caller confirms it on the other half against a
 *    baseline sample independent of step 2 (a two-proportion test), so the search does not inflate the p-value.
 */
export function emergingGroups(
  reference: readonly EmbeddedCall[],
  current: readonly EmbeddedCall[],
  maxRadius: number,
  random: Random,
): Emerging[] {
  const order = shuffle(
    current.map((_, i) => i),
    random,
  );
  const discovery = order.filter((_, j) => j % 2 === 0);
  const confirmation = order.filter((_, j) => j % 2 === 1);
  const minSize = Math.max(5, Math.ceil(0.01 * discovery.length));
  if (discovery.length < minSize || reference.length < K) return [];
  const pool = [...reference.map((c) => unit(c.vector)), ...discovery.map((i) => unit(current[i]!.vector))];
  const nRef = reference.length;
  const share = discovery.length / pool.length;
  const k = Math.min(K, pool.length - 1);
  // Least count of discovery neighbours whose upper tail is <= EXCESS_P.
  let needed = k + 1;
  for (let m = k, tail = 0; m >= 0; m--) {
    tail += Math.exp(
      logFactorial(k) -
        logFactorial(m) -
        logFactorial(k - m) +
        m * Math.log(share) +
        (k - m) * Math.log(1 - share),
    );
    if (tail > EXCESS_P) break;
    needed = m;
  }
  const excess: number[] = [];
  /** Distance to the K-th nearest neighbour of each call in excess: the local scale of its neighbourhood. */
  const reach: number[] = [];
  const sims = new Float64Array(pool.length);
  for (let d = 0; d < discovery.length; d++) {
    const self = nRef + d;
    const v = pool[self]!;
    for (let j = 0; j < pool.length; j++) sims[j] = j === self ? -Infinity : dot(v, pool[j]!);
    const top = topK(sims, k, nRef);
    if (top.discovery >= needed) {
      excess.push(self);
      reach.push(1 - top.kth);
    }
  }
  if (excess.length < minSize) return [];

  // Groups: calls in excess linked when each lies within the other's K-neighbourhood (single linkage).
  const m = excess.length;
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const find = (a: number): number => (parent[a] === a ? a : (parent[a] = find(parent[a]!)));
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++)
      if (1 - dot(pool[excess[a]!]!, pool[excess[b]!]!) <= Math.min(reach[a]!, reach[b]!))
        parent[find(a)] = find(b);
  const groups = new Map<number, number[]>();
  for (let a = 0; a < m; a++) {
    const root = find(a);
    const g = groups.get(root);
    if (g) g.push(a);
    else groups.set(root, [a]);
  }
  const out: Emerging[] = [];
  for (const members of [...groups.values()].sort((x, y) => y.length - x.length)) {
    if (members.length < minSize) break;
    const dim = pool[0]!.length;
    const sum = new Float32Array(dim);
    for (const a of members) {
      const v = pool[excess[a]!]!;
      for (let x = 0; x < dim; x++) sum[x]! += v[x]!;
    }
    const centroid = unit(sum);
    // The members' 90th-percentile distance to their own centroid, a quarter more (held-out members of the group
    // fall a little further out than the ones the centroid was fitted on), within the pair distance.
    const distances = members.map((a) => cosineDistance(pool[excess[a]!]!, centroid)).sort((x, y) => x - y);
    const radius = Math.min(maxRadius, 1.25 * distances[Math.floor(0.9 * (distances.length - 1))]!);
    out.push({ centroid, radius, confirmation, contains: (v) => cosineDistance(v, centroid) <= radius });
  }
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Among the k largest of `sims`: how many sit at an index >= nRef (discovery calls), and the k-th value. O(n k). */
function topK(sims: Float64Array, k: number, nRef: number): { discovery: number; kth: number } {
  const top = new Float64Array(k).fill(-Infinity);
  const idx = new Int32Array(k).fill(-1);
  for (let j = 0; j < sims.length; j++) {
    const s = sims[j]!;
    if (s <= top[k - 1]!) continue;
    let p = k - 1;
    while (p > 0 && top[p - 1]! < s) {
      top[p] = top[p - 1]!;
      idx[p] = idx[p - 1]!;
      p--;
    }
    top[p] = s;
    idx[p] = j;
  }
  let discovery = 0;
  for (const j of idx) if (j >= nRef) discovery++;
  return { discovery, kth: top[k - 1]! };
}
