import type { DetectionInput, EmbeddedCall, SkippedCheck } from '@driftwatch/contracts';
import {
  type Assignment,
  assignTopic,
  classTfIdf,
  fitTopics,
  seededRandom,
  type TopicModel,
  unit,
} from '@driftwatch/topics';
import { type Candidate, type DetectorOutput, percent } from './candidate.js';
import { chiSquareSf, normalSf } from './stats/distributions.js';
import { chiSquareShares, twoProportion } from './stats/proportions.js';
import { quantileOf, shuffle } from './stats/resampling.js';
import { emergingGroups } from './emerging.js';
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

/**
 * A dense group is a new topic when its share of the current window is at least this many times its share of the
 * baseline (the region around a new intent also holds some calls of neighbouring intents); a group that only
 * grew less is the share shift of existing topics, which shareShift() tests.
 */
const NEW_FACTOR = 4;

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

  // Two members of a topic of centroid radius r sit about 1 - (1 - r)^2 apart (cosine distance).
  const r = quantileOf(
    fit.model.topics.map((t) => t.radius),
    0.5,
  );
  const found =
    enabled('new_topic') || enabled('out_of_scope')
      ? emergingGroups(fitHalf, current, 1 - (1 - r) ** 2, random)
      : [];
  // Each group confirmed on the current half it was not found on, against the reference half (neither was searched).
  const emerging = found.map((e) => {
    const refIn = reference.filter((c) => e.contains(c.vector)).length;
    const confirmIn = e.confirmation.filter((i) => e.contains(current[i]!.vector)).length;
    const test = twoProportion(
      { x: refIn, n: reference.length },
      { x: confirmIn, n: e.confirmation.length },
      'greater',
    );
    const members = current.filter((c) => e.contains(c.vector));
    const share = members.length / current.length;
    const baseShare = refIn / reference.length;
    return { ...e, refIn, test, members, share, baseShare, isNew: share >= NEW_FACTOR * baseShare };
  });
  // Calls of a confirmed new group count once, as the new topic: not again in out-of-scope or in topic shares.
  const newGroups = emerging.filter((e) => e.isNew && e.test.pValue <= input.settings.falseAlarmRate);
  const inNew = (v: Float32Array) => newGroups.some((e) => e.contains(v));

  if (enabled('new_topic'))
    for (const e of emerging.filter((x) => x.isNew)) {
      const { refIn, test, members, share, baseShare } = e;
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
    // "Out of scope" = far from every baseline request: the distance to the nearest call of the fitting half is
    // above the pooled 95th percentile of that distance. Requests of known intents have close neighbours (others
    // asked the same); foreign requests do not, even when they fall inside a broad topic's radius. The fitting half
    // is neither window, and the threshold is a function of the pooled values only, so under "nothing changed"
    // both windows' shares above it have the same expectation and the two-proportion test stays valid.
    const fitVectors = fitHalf.map((v) => unit(v.vector));
    const refFar = nearestDistances(reference, fitVectors);
    const curFar = nearestDistances(current, fitVectors);
    const threshold = quantileOf(Float64Array.from([...refFar, ...curFar]), 0.95);
    const far = (calls: EmbeddedCall[], distances: Float64Array) =>
      calls.filter((v, i) => distances[i]! > threshold && !inNew(v.vector));
    const b = { x: far(reference, refFar).length, n: reference.length };
    const c = { x: far(current, curFar).length, n: current.length };
    const test = twoProportion(b, c, 'greater');
    const rb = b.x / b.n;
    const rc = c.x / c.n;
    const effect = rc / Math.max(rb, 0.5 / b.n) - 1;
    const examples = far(current, curFar);
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
        title: `Requests unlike any earlier request rose from ${percent(rb, 1)} to ${percent(rc, 1)} of calls`,
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
            nearestDistanceThreshold: threshold,
          },
        },
      },
    });
  }

  const outside = (calls: EmbeddedCall[]) => (a: Assignment, i: number) =>
    inNew(calls[i]!.vector) ? { ...a, novel: true } : a;
  if (enabled('topic_shift'))
    candidates.push(
      ...shareShift(
        fit.model,
        names,
        reference,
        ref.map(outside(reference)),
        current,
        cur.map(outside(current)),
        {
          fromMs: input.baseline.fromMs,
          windowMs: input.settings.windowMs,
        },
      ),
    );
  return { candidates, skipped };
}

/** Least expected count of a topic in the current window for its share to be tested (see shareShift). */
export const MIN_EXPECTED_TOPIC_CALLS = 5;

/**
 * Shares of topics among in-scope (non-novel) calls: a chi-square over the share vector (reported only when no single
 * topic explains it) and, per topic, a one-sided test of its rise, or (when its share fell) a test that it lost more
 * than half. Smaller drops are the mirror image of another topic's rise: testing them would add rejections that
 * loosen Benjamini-Hochberg for every other test of the run.
 *
 * The null is calibrated on the baseline: real traffic's topic counts vary between windows more than binomial
 * sampling says (hours of the day, campaigns, one user's burst), so every statistic is divided by the dispersion
 * the baseline's own windows show (baselineDispersion(), at least 1). Topics too small to test (expected count
 * under the null below MIN_EXPECTED_TOPIC_CALLS) are left out rather than tested: a handful of calls says nothing
 * and, counted in Benjamini-Hochberg, only dilutes it.
 */
function shareShift(
  model: TopicModel,
  names: Named[],
  reference: EmbeddedCall[],
  ref: Assignment[],
  current: EmbeddedCall[],
  cur: Assignment[],
  windows: { fromMs: number; windowMs: number },
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
  if (nb === 0 || nc === 0) return [];
  const dispersion = baselineDispersion(model, reference, ref, windows);
  const out: Candidate[] = [];
  model.topics.forEach((topic, i) => {
    const sb = b[i]! / nb;
    const sc = c[i]! / nc;
    const effect = sc / Math.max(sb, 0.5 / nb) - 1;
    let test: { statistic: number; pValue: number };
    if (effect >= 0) {
      // Rise: pooled two-proportion z (Fisher's exact on small counts), the z scaled by the dispersion.
      const pooled = (b[i]! + c[i]!) / (nb + nc);
      if (pooled * Math.min(nb, nc) < MIN_EXPECTED_TOPIC_CALLS) return;
      const rise = twoProportion({ x: b[i]!, n: nb }, { x: c[i]!, n: nc }, 'greater');
      const z = rise.statistic / Math.sqrt(dispersion);
      test = { statistic: z, pValue: Math.max(rise.pValue, normalSf(z)) };
    } else {
      // A drop is tested against "lost less than half": H0 sc = sb / 2, with the variance under H0 (a window where
      // the topic has no call at all must not get a zero variance and an infinite z).
      const h0 = sb / 2;
      if (h0 * nc < MIN_EXPECTED_TOPIC_CALLS || b[i]! < 2 * MIN_EXPECTED_TOPIC_CALLS) return;
      const se = Math.sqrt(dispersion * ((0.25 * sb * (1 - sb)) / nb + (h0 * (1 - h0)) / nc));
      const z = (h0 - sc) / se;
      test = { statistic: z, pValue: normalSf(z) };
    }
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
          details: { baselineCalls: b[i]!, currentCalls: c[i]!, dispersion },
        },
      },
    });
  });
  const chi = chiSquareShares(b, c);
  const chiP = chi.df > 0 ? chiSquareSf(chi.statistic / dispersion, chi.df) : 1;
  const tvd = 0.5 * b.reduce((s, x, i) => s + Math.abs(x / nb - c[i]! / nc), 0);
  out.push({
    kind: 'topic_shift',
    metric: 'topic_shift:all',
    causeKey: 'topic_shift:all',
    pValue: chiP,
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
      evidence: { exampleTraceIds: [], details: { df: chi.df, topics: model.topics.length, dispersion } },
    },
  });
  return out;
}

/**
 * How much more the topic counts vary between the baseline's own windows than multinomial sampling would make
 * them: Pearson's chi-square of the (window x topic) table over its degrees of freedom, at least 1. Windows of
 * fewer than 30 calls are pooled out; with fewer than 2 windows there is nothing to measure and the answer is 1.
 * Topics with fewer than MIN_EXPECTED_TOPIC_CALLS calls in all windows together are left out (noise of tiny
 * cells would inflate it).
 */
export function baselineDispersion(
  model: TopicModel,
  reference: EmbeddedCall[],
  ref: Assignment[],
  windows: { fromMs: number; windowMs: number },
): number {
  const index = new Map(model.topics.map((t, i) => [t.id, i]));
  const byWindow = new Map<number, number[]>();
  ref.forEach((a, j) => {
    if (a.novel) return;
    const w = Math.floor((reference[j]!.timeMs - windows.fromMs) / Math.max(1, windows.windowMs));
    let row = byWindow.get(w);
    if (!row) byWindow.set(w, (row = new Array<number>(model.topics.length).fill(0)));
    row[index.get(a.topicId)!]!++;
  });
  return dispersionOf([...byWindow.values()].filter((row) => row.reduce((x, y) => x + y, 0) >= 30));
}

/** Pearson chi-square / df of a rows x categories count table (categories too small dropped), at least 1. */
export function dispersionOf(rows: number[][]): number {
  if (rows.length < 2) return 1;
  const k = rows[0]!.length;
  const colTotals = Array.from({ length: k }, (_, t) => rows.reduce((s, r) => s + r[t]!, 0));
  const kept = colTotals.map((_, t) => t).filter((t) => colTotals[t]! >= MIN_EXPECTED_TOPIC_CALLS);
  if (kept.length < 2) return 1;
  const rowTotals = rows.map((r) => kept.reduce((s, t) => s + r[t]!, 0));
  const n = rowTotals.reduce((a, b) => a + b, 0);
  let stat = 0;
  rows.forEach((r, i) => {
    for (const t of kept) {
      const e = (rowTotals[i]! * colTotals[t]!) / n;
      if (e > 0) stat += (r[t]! - e) ** 2 / e;
    }
  });
  const df = (rows.length - 1) * (kept.length - 1);
  return Math.max(1, stat / df);
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

/** Cosine distance from each call to its nearest neighbour among `to` (unit vectors). */
function nearestDistances(calls: readonly EmbeddedCall[], to: readonly Float32Array[]): Float64Array {
  const out = new Float64Array(calls.length);
  calls.forEach((c, i) => {
    const v = unit(c.vector);
    let best = -Infinity;
    for (const u of to) {
      let s = 0;
      for (let d = 0; d < v.length; d++) s += v[d]! * u[d]!;
      if (s > best) best = s;
    }
    out[i] = 1 - best;
  });
  return out;
}
