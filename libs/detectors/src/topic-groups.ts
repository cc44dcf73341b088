import type { TopicCentroid } from '@driftwatch/contracts';
import { cosineDistance } from '@driftwatch/topics';

/**
 * Groups of near topics, tested by the regressions as one more value of the `topic` dimension ("t2,t19").
 *
 * Why: a topic model is often finer than the change a user sees. One kind of request split over two topics (seen on
 * CLINC's "translate", 66% and 29% of its calls in two topics whose centroids are mutual nearest neighbours) leaves
 * each topic too few ratings an hour for a feedback change to pass the run's false-alarm control; the two together
 * pass. A group is a complete-linkage cluster of centroids: every two members at most as far apart (cosine distance) as
 * the median distance from a topic to its nearest neighbour, so members are near each other, not merely chained.
 * The same-cause rules (detect.ts) keep one problem when a topic and its group both show a change.
 */

/** Fewer topics than this are coarse already: no groups. */
export const MIN_TOPICS_FOR_GROUPS = 10;
/** Most members of one group (a group is a filter value: its ids travel in a link). */
export const MAX_GROUP_SIZE = 8;
/** Most topics compared (m^2 distances); past it the largest topics are grouped. */
const MAX_TOPICS = 2_000;

/** Groups of 2+ topic ids, each sorted by topic number; groups sorted by their first id. */
export function topicGroups(topics: readonly TopicCentroid[]): string[][] {
  const list =
    topics.length > MAX_TOPICS ? [...topics].sort((a, b) => b.size - a.size).slice(0, MAX_TOPICS) : topics;
  const m = list.length;
  if (m < MIN_TOPICS_FOR_GROUPS) return [];
  const distance = new Float32Array(m * m);
  const nearest = new Float64Array(m).fill(Infinity);
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      // Read back as stored (float32), so the threshold below is one of the compared values exactly.
      distance[i * m + j] = distance[j * m + i] = cosineDistance(list[i]!.centroid, list[j]!.centroid);
      const d = distance[i * m + j]!;
      if (d < nearest[i]!) nearest[i] = d;
      if (d < nearest[j]!) nearest[j] = d;
    }
  const threshold = median(nearest);
  // Candidate pairs within the threshold, nearest first; two clusters join when all their members are close.
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++)
      if (distance[i * m + j]! <= threshold) pairs.push([i, j, distance[i * m + j]!]);
  pairs.sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1]);
  const clusterOf = Int32Array.from({ length: m }, (_, i) => i);
  const members = new Map<number, number[]>(Array.from({ length: m }, (_, i) => [i, [i]]));
  for (const [i, j] of pairs) {
    const [a, b] = [clusterOf[i]!, clusterOf[j]!];
    if (a === b) continue;
    const [ma, mb] = [members.get(a)!, members.get(b)!];
    if (ma.length + mb.length > MAX_GROUP_SIZE) continue;
    if (!ma.every((x) => mb.every((y) => distance[x * m + y]! <= threshold))) continue;
    for (const y of mb) clusterOf[y] = a;
    ma.push(...mb);
    members.delete(b);
  }
  return [...members.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.map((i) => list[i]!.id).sort(byTopicNumber))
    .sort((a, b) => byTopicNumber(a[0]!, b[0]!));
}

/** The dimension value of a group: its ids joined by commas (what the traces list's topic filter reads). */
export const groupValue = (ids: readonly string[]): string => ids.join(',');

function median(xs: Float64Array): number {
  const sorted = Float64Array.from(xs).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function byTopicNumber(a: string, b: string): number {
  const [na, nb] = [Number(a.slice(1)), Number(b.slice(1))];
  return na !== nb && Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a < b ? -1 : a > b ? 1 : 0;
}
