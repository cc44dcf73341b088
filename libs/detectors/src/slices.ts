import type { CallMetrics, DetectionDimension, DetectionInput } from '@driftwatch/contracts';
import { groupValue, topicGroups } from './topic-groups.js';

/** The calls of one dimension value (or of all calls), as indexes into the baseline and current call lists. */
export interface Slice {
  dimension?: DetectionDimension;
  value?: string;
  baseline: Int32Array;
  current: Int32Array;
}

function dimensionValue(call: CallMetrics, dimension: DetectionDimension): string | null {
  const v = dimension === 'topic' ? call.topicId : call[dimension];
  return v ? v : null;
}

/**
 * Slices: every value of every dimension, groups of near topics (topic-groups.ts) after the single topics, and all
 * calls. Slices holding exactly the same calls (a release with one model, an environment that is everything) are
 * tested once, under the first dimension in settings order.
 */
export function slicesOf(input: DetectionInput): Slice[] {
  const slices: Slice[] = [];
  const seen = new Set<string>();
  const add = (slice: Slice) => {
    const signature = `${signatureOf(slice.baseline)}|${signatureOf(slice.current)}`;
    if (seen.has(signature)) return;
    seen.add(signature);
    slices.push(slice);
  };
  for (const dimension of input.settings.dimensions) {
    const groups = new Map<string, { baseline: number[]; current: number[] }>();
    const collect = (calls: CallMetrics[], side: 'baseline' | 'current') =>
      calls.forEach((call, i) => {
        const value = dimensionValue(call, dimension);
        if (value === null) return;
        let g = groups.get(value);
        if (!g) groups.set(value, (g = { baseline: [], current: [] }));
        g[side].push(i);
      });
    collect(input.baselineCalls, 'baseline');
    collect(input.currentCalls, 'current');
    for (const [value, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      if (g.current.length > 0)
        add({ dimension, value, baseline: Int32Array.from(g.baseline), current: Int32Array.from(g.current) });
    if (dimension === 'topic')
      for (const ids of topicGroups(input.topics ?? [])) {
        const parts = ids.map((id) => groups.get(id)).filter((g) => g !== undefined);
        // Indexes ascending (the same-cause rules merge sorted lists); a group of one present topic is that topic.
        const union = (side: 'baseline' | 'current') => Int32Array.from(parts.flatMap((g) => g[side])).sort();
        if (parts.length > 1)
          add({ dimension, value: groupValue(ids), baseline: union('baseline'), current: union('current') });
      }
  }
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  add({ baseline: all(input.baselineCalls.length), current: all(input.currentCalls.length) });
  return slices;
}

function signatureOf(indexes: Int32Array): string {
  let h = 0;
  for (const i of indexes) h = (h + Math.imul(i + 1, 2654435761)) >>> 0;
  return `${indexes.length}:${h}`;
}

export function keyOf(kind: string, slice: Slice, suffix?: string): string {
  const where = slice.dimension ? `${slice.dimension}=${slice.value}` : 'all';
  return [kind, where, suffix].filter(Boolean).join(':');
}
