import type { DetectionInput, EmbeddedCall, SkippedCheck } from '@driftwatch/contracts';
import {
  type Assignment,
  assignTopic,
  classTfIdf,
  cosineDistance,
  fitTopics,
  type Random,
  seededRandom,
  type TopicModel,
  unit,
} from '@driftwatch/topics';
import { type Candidate, type DetectorOutput, percent } from './candidate.js';
import { normalSf } from './stats/distributions.js';
import { chiSquareShares, twoProportion } from './stats/proportions.js';
import { quantileOf, shuffle } from './stats/resampling.js';
import { cap } from './vectors.js';

/**
 * Topic detectors on request vectors: topic share shift, emerging topics, out-of-scope growth.
 *
 * The baseline sample is split in two: topics are fitted on half A, and half B is the reference the current window
 * is compared with. B and the current window are both out-of-sample for the model, so under "nothing changed" their
 * topic shares and novelty rates have the same distribution (in-sample, novelty would be lower by construction).
 * Emerging topics are found on one half of the current window and confirmed on the other (sample splitting), so
 * the confirmation's p-value is not inflated by the search.
 */

/** Vectors read per window (seeded subsample): bounds the cost of fitting and assigning. */
const MAX_VECTORS = 2000;

interface Named {
  /** Stable name for causeKeys: the stored topic id most members carry, or the top terms, or the fitted id. */
  key: string;
  /** Words for titles: top terms, or the id. */
  label: string;
  terms: string[];
  examples: string[];
}

export function topicCandidates(
  input: DetectionInput,
  seed: number,
  enabled: (k: string) => boolean,
): DetectorOutput {
  const skipped: SkippedCheck[] = [];
  const kinds = (['topic_shift', 'new_topic', 'out_of_scope'] as const).filter(enabled);
  if (kinds.length === 0) return { candidates: [], skipped };
  const { minSamples } = input.settings;
  const random = seededRandom(seed ^ 0x7091c5);
  const baseline = cap(
    input.baselineVectors.filter((v) => v.field === 'request'),
    MAX_VECTORS,
    random,
  );
  const current = cap(
    input.currentVectors.filter((v) => v.field === 'request'),
    MAX_VECTORS,
    random,
  );
  if (baseline.length < 2 * Math.max(minSamples, 50) || current.length < 2 * minSamples) {
    const reason =
      baseline.length + current.length === 0
        ? 'no embeddings in this project'
        : `not enough data: ${baseline.length} baseline and ${current.length} current request vectors (minimum ${2 * Math.max(minSamples, 50)} and ${2 * minSamples})`;
    return { candidates: [], skipped: kinds.map((kind) => ({ kind, reason })) };
  }
  shuffle(baseline, random);
  const half = Math.floor(baseline.length / 2);
  const fitHalf = baseline.slice(0, half);
  const reference = baseline.slice(half);
  const texts = fitHalf.map((v) => v.text ?? '');
  const fit = fitTopics(
    fitHalf.map((v) => v.vector),
    { seed, ...(texts.some(Boolean) ? { texts } : {}) },
  );
  const names = nameTopics(fit.model, fit.labels, fitHalf);
  const assigned = (calls: EmbeddedCall[]) => calls.map((c) => assignTopic(fit.model, c.vector));
  const ref = assigned(reference);
  const cur = assigned(current);
  const candidates: Candidate[] = [];

  const emerging =
    enabled('new_topic') || enabled('out_of_scope') ? emergingTopics(fit.model, current, cur, random) : [];
  const inEmerging = (v: Float32Array, a: Assignment) => a.novel && emerging.some((e) => e.contains(v));

  if (enabled('new_topic'))
    for (const e of emerging) {
      const refIn = reference.filter((c, i) => inEmerging(c.vector, ref[i]!) && e.contains(c.vector)).length;
      const confirmIn = e.confirmation.filter((i) => e.contains(current[i]!.vector) && cur[i]!.novel).length;
      const test = twoProportion(
        { x: refIn, n: reference.length },
        { x: confirmIn, n: e.confirmation.length },
        'greater',
      );
      const members = current.filter((c, i) => cur[i]!.novel && e.contains(c.vector));
      const share = members.length / current.length;
      const baseShare = refIn / reference.length;
      const effect = share / Math.max(baseShare, 0.5 / reference.length) - 1;
      const memberTexts = members.map((m) => m.text ?? '').filter(Boolean);
      const terms = memberTexts.length
        ? classTfIdf([memberTexts, current.filter((c) => !members.includes(c)).map((c) => c.text ?? '')], {
            top: 5,
          })[0]!.map((t) => t.term)
        : [];
      const near =
        names[fit.model.topics.findIndex((t) => t.id === assignTopic(fit.model, e.centroid).topicId)]!;
      const key = terms.length ? `terms=${[...terms.slice(0, 2)].sort().join(',')}` : `near=${near.key}`;
      const label = terms.length ? terms.slice(0, 3).join(', ') : `unlike any topic, nearest ${near.label}`;
      candidates.push({
        kind: 'new_topic',
        metric: 'new_topic',
        causeKey: `new_topic:${key}`,
        pValue: test.pValue,
        effectSize: effect,
        reportable: share >= 0.01,
        finding: {
          kind: 'new_topic',
          causeKey: `new_topic:${key}`,
          title: `A new kind of request: '${label}' (${percent(share, share < 0.1 ? 1 : 0)} of calls)`,
          statistic: 'two_proportion_z',
          score: test.statistic,
          effectSize: effect,
          baselineValue: baseShare,
          currentValue: share,
          trafficShare: share,
          evidence: {
            topic: {
              id: key,
              terms,
              examples: memberTexts.slice(0, 5),
              baselineExamples: near.examples,
            },
            exampleTraceIds: [...new Set(members.map((m) => m.traceId))].slice(0, 5),
            details: { calls: members.length, nearestTopic: near.label, baselineCalls: refIn },
          },
        },
      });
    }

  if (enabled('out_of_scope')) {
    // "Out of scope" = novelty above max(1, the pooled 95th percentile of novelty): far outside every topic, not
    // just past a radius (held-out in-scope calls pass a radius several % of the time, which would drown a rise of
    // truly foreign requests). The threshold is a function of the pooled values only, so under "nothing changed"
    // both windows' shares above it have the same expectation and the two-proportion test stays valid.
    const threshold = Math.max(
      1,
      quantileOf(
        [...ref, ...cur].map((a) => a.novelty),
        0.95,
      ),
    );
    const far = (calls: EmbeddedCall[], a: Assignment[]) =>
      calls.filter((v, i) => a[i]!.novelty > threshold && !inEmerging(v.vector, a[i]!));
    const b = { x: far(reference, ref).length, n: reference.length };
    const c = { x: far(current, cur).length, n: current.length };
    const test = twoProportion(b, c, 'greater');
    const rb = b.x / b.n;
    const rc = c.x / c.n;
    const effect = rc / Math.max(rb, 0.5 / b.n) - 1;
    const examples = far(current, cur);
    candidates.push({
      kind: 'out_of_scope',
      metric: 'out_of_scope',
      causeKey: 'out_of_scope',
      pValue: test.pValue,
      effectSize: effect,
      reportable: effect > 0,
      finding: {
        kind: 'out_of_scope',
        causeKey: 'out_of_scope',
        title: `Requests unlike any known topic rose from ${percent(rb, 1)} to ${percent(rc, 1)} of calls`,
        statistic: 'two_proportion_z',
        score: test.statistic,
        effectSize: effect,
        baselineValue: rb,
        currentValue: rc,
        trafficShare: rc,
        evidence: {
          exampleTraceIds: [...new Set(examples.map((e) => e.traceId))].slice(0, 5),
          ...(examples.some((e) => e.text)
            ? {
                topic: {
                  id: 'novel',
                  terms: [],
                  examples: examples.flatMap((e) => e.text ?? []).slice(0, 5),
                },
              }
            : {}),
          details: {
            baselineNovel: b.x,
            baselineCalls: b.n,
            currentNovel: c.x,
            currentCalls: c.n,
            noveltyThreshold: threshold,
          },
        },
      },
    });
  }

  if (enabled('topic_shift')) candidates.push(...shareShift(fit.model, names, reference, ref, current, cur));
  return { candidates, skipped };
}

/**
 * Shares of topics among in-scope (non-novel) calls: a chi-square over the share vector (reported only when no single
 * topic explains it) and, per topic, a one-sided two-proportion test of its rise, or (when its share fell) a test
 * that it lost more than half. Smaller drops are the mirror image of another topic's rise: testing them would add
 * rejections that loosen Benjamini-Hochberg for every other test of the run.
 */
function shareShift(
  model: TopicModel,
  names: Named[],
  reference: EmbeddedCall[],
  ref: Assignment[],
  current: EmbeddedCall[],
  cur: Assignment[],
): Candidate[] {
  const index = new Map(model.topics.map((t, i) => [t.id, i]));
  const counts = (a: Assignment[]) => {
    const out = new Array<number>(model.topics.length).fill(0);
    for (const x of a) if (!x.novel) out[index.get(x.topicId)!]!++;
    return out;
  };
  const b = counts(ref);
  const c = counts(cur);
  const nb = b.reduce((x, y) => x + y, 0);
  const nc = c.reduce((x, y) => x + y, 0);
  const out: Candidate[] = [];
  model.topics.forEach((topic, i) => {
    const sb = b[i]! / Math.max(1, nb);
    const sc = c[i]! / Math.max(1, nc);
    const effect = sc / Math.max(sb, 0.5 / Math.max(1, nb)) - 1;
    const rise = twoProportion({ x: b[i]!, n: nb }, { x: c[i]!, n: nc }, 'greater');
    // A drop is tested against "lost less than half": H0 sc >= sb / 2, so ordinary mirror-image drops stay quiet.
    const halfSe = Math.sqrt((0.25 * sb * (1 - sb)) / Math.max(1, nb) + (sc * (1 - sc)) / Math.max(1, nc));
    const dropZ = halfSe > 0 ? (sb / 2 - sc) / halfSe : 0;
    const test = effect >= 0 ? rise : { statistic: dropZ, pValue: b[i]! >= 10 ? normalSf(dropZ) : 1 };
    const name = names[i]!;
    const causeKey = `topic_shift:${name.key}`;
    const traceIds = current
      .filter((_, j) => !cur[j]!.novel && cur[j]!.topicId === topic.id)
      .map((v) => v.traceId);
    out.push({
      kind: 'topic_shift',
      metric: 'topic_shift',
      causeKey,
      pValue: test.pValue,
      effectSize: effect,
      reportable: effect > 0 || effect <= -0.5,
      finding: {
        kind: 'topic_shift',
        dimension: 'topic',
        value: name.key.replace(/^topic=/, ''),
        causeKey,
        title: `Requests about '${name.label}' ${effect >= 0 ? 'rose' : 'fell'} from ${percent(sb, 1)} to ${percent(sc, 1)} of calls`,
        statistic: effect >= 0 ? 'two_proportion_z' : 'half_share_drop_z',
        score: test.statistic,
        effectSize: effect,
        baselineValue: sb,
        currentValue: sc,
        trafficShare: sc,
        evidence: {
          topic: { id: name.key, terms: name.terms, examples: name.examples },
          exampleTraceIds: [...new Set(traceIds)].slice(0, 5),
          details: { baselineCalls: b[i]!, currentCalls: c[i]! },
        },
      },
    });
  });
  const chi = chiSquareShares(b, c);
  const tvd = 0.5 * b.reduce((s, x, i) => s + Math.abs(x / Math.max(1, nb) - c[i]! / Math.max(1, nc)), 0);
  out.push({
    kind: 'topic_shift',
    metric: 'topic_shift:all',
    causeKey: 'topic_shift:all',
    pValue: chi.pValue,
    effectSize: tvd,
    reportable: true,
    finding: {
      kind: 'topic_shift',
      causeKey: 'topic_shift:all',
      title: `The mix of request topics changed (${percent(tvd)} of traffic moved between topics)`,
      statistic: 'chi_square',
      score: chi.statistic,
      effectSize: tvd,
      baselineValue: 0,
      currentValue: tvd,
      trafficShare: tvd,
      evidence: { exampleTraceIds: [], details: { df: chi.df, topics: model.topics.length } },
    },
  });
  return out;
}

/** Each fitted topic's stable name: the stored topic id most of its members carry (each stored id named once). */
function nameTopics(model: TopicModel, labels: string[], calls: EmbeddedCall[]): Named[] {
  const votes = model.topics.map(() => new Map<string, number>());
  const index = new Map(model.topics.map((t, i) => [t.id, i]));
  labels.forEach((label, j) => {
    const stored = calls[j]!.topicId;
    if (!stored) return;
    const m = votes[index.get(label)!]!;
    m.set(stored, (m.get(stored) ?? 0) + 1);
  });
  const taken = new Set<string>();
  const order = model.topics.map((_, i) => i).sort((x, y) => model.topics[y]!.size - model.topics[x]!.size);
  const keys = new Array<string>(model.topics.length);
  for (const i of order) {
    const topic = model.topics[i]!;
    const [best, count] = [...votes[i]!].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
    const terms = topic.terms.map((t) => t.term);
    if (best && count >= topic.size / 2 && !taken.has(best)) {
      taken.add(best);
      keys[i] = `topic=${best}`;
    } else keys[i] = terms.length >= 2 ? `terms=${terms.slice(0, 2).sort().join(',')}` : `fit=${topic.id}`;
  }
  return model.topics.map((topic, i) => {
    const terms = topic.terms.map((t) => t.term);
    return {
      key: keys[i]!,
      label: terms.length ? terms.slice(0, 3).join(', ') : keys[i]!.replace(/^\w+=/, ''),
      terms,
      examples: topic.examples.flatMap((j) => calls[j]!.text ?? []),
    };
  });
}

interface Emerging {
  centroid: Float32Array;
  radius: number;
  contains(v: Float32Array): boolean;
  /** Indexes into `current` of the half the cluster was not found on. */
  confirmation: number[];
}

/**
 * Dense groups among the novel calls of half the current window: greedy density clustering (the novel call with the
 * most novel neighbours within a pair distance, with those neighbours; repeat on the rest), keeping groups of at
 * least max(5, 1% of the half) whose centroid is itself novel (far from every baseline topic).
 */
function emergingTopics(
  model: TopicModel,
  current: EmbeddedCall[],
  cur: Assignment[],
  random: Random,
): Emerging[] {
  const order = shuffle(
    current.map((_, i) => i),
    random,
  );
  const discovery = order.filter((_, j) => j % 2 === 0);
  const confirmation = order.filter((_, j) => j % 2 === 1);
  const novel = discovery.filter((i) => cur[i]!.novel);
  const minSize = Math.max(5, Math.ceil(0.01 * discovery.length));
  if (novel.length < minSize) return [];
  // Two members of a topic of centroid radius r sit about 1 - (1 - r)^2 apart (cosine distance).
  const r = quantileOf(
    model.topics.map((t) => t.radius),
    0.5,
  );
  const pairRadius = 1 - (1 - r) ** 2;
  const m = novel.length;
  const near: number[][] = Array.from({ length: m }, () => []);
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++)
      if (cosineDistance(current[novel[a]!]!.vector, current[novel[b]!]!.vector) <= pairRadius) {
        near[a]!.push(b);
        near[b]!.push(a);
      }
  const used = new Uint8Array(m);
  const out: Emerging[] = [];
  for (;;) {
    let best = -1;
    let bestCount = 0;
    for (let a = 0; a < m; a++) {
      if (used[a]) continue;
      const count = near[a]!.filter((b) => !used[b]).length + 1;
      if (count > bestCount) [best, bestCount] = [a, count];
    }
    if (best < 0 || bestCount < minSize) break;
    const members = [best, ...near[best]!.filter((b) => !used[b])];
    for (const a of members) used[a] = 1;
    const dim = current[0]!.vector.length;
    const sum = new Float32Array(dim);
    for (const a of members) {
      const v = current[novel[a]!]!.vector;
      for (let d = 0; d < dim; d++) sum[d]! += v[d]!;
    }
    const centroid = unit(sum);
    if (!assignTopic(model, centroid).novel) continue;
    // The members' largest distance to their own centroid understates where held-out members fall (the centroid
    // was fitted on them): half as much again, within the pair distance.
    const radius = Math.min(
      pairRadius,
      1.5 * Math.max(...members.map((a) => cosineDistance(current[novel[a]!]!.vector, centroid))),
    );
    out.push({ centroid, radius, confirmation, contains: (v) => cosineDistance(v, centroid) <= radius });
  }
  return out;
}
