import type {
  CallMetrics,
  DetectionInput,
  DetectorKind,
  FindingEvidence,
  SeriesPoint,
  SkippedCheck,
  TimeWindow,
} from '@driftwatch/contracts';
import { type Candidate, change, type DetectorOutput, milliseconds, percent, usd } from './candidate.js';
import { minAttainablePGreater, twoProportion } from './stats/proportions.js';
import { mannWhitney } from './stats/rank-tests.js';
import { mean, quantileDifferenceCi, quantileExceedanceTest, quantileOf } from './stats/resampling.js';
import { keyOf, slicesOf, type Slice } from './slices.js';
import { calibratedCusum } from './stats/sequential.js';
import { TopicNames } from './topic-names.js';

/** Regression detectors per dimension value: latency, error rate, tokens, cost, negative feedback, scores. */

/** Values a rank or quantile test reads per side (see Context.values). Rates count every call. */
const TEST_CAP = 20_000;

const METRIC_KINDS: DetectorKind[] = ['latency', 'error_rate', 'tokens', 'cost', 'feedback', 'score'];

export function regressionCandidates(input: DetectionInput, seed: number): DetectorOutput {
  const { settings } = input;
  const enabled = (k: DetectorKind) => settings.enabled.length === 0 || settings.enabled.includes(k);
  const candidates: (Candidate | null)[] = [];
  const skipped: SkippedCheck[] = [];
  // Recent calls (see DetectionInput.recentCalls) go before the window's in one list, so every candidate's slice
  // indexes the same calls (the same-cause rules compare slices); the window's own tests read indexes >= recent.
  const recent = input.recentCalls?.length ?? 0;
  const pooled = recent ? { ...input, currentCalls: [...input.recentCalls!, ...input.currentCalls] } : input;
  const scoreNames = judgementFree([...input.baselineCalls, ...input.currentCalls]);
  const hasFeedback = (calls: CallMetrics[]) => calls.some((c) => c.negativeFeedback !== null);
  const feedbackAny = hasFeedback(input.baselineCalls) && hasFeedback(input.currentCalls);
  const context = new Context(pooled, seed);

  for (const wide of slicesOf(pooled)) {
    const slice = recent ? { ...wide, current: wide.current.filter((i) => i >= recent) } : wide;
    if (slice.current.length === 0) continue;
    const nb = slice.baseline.length;
    const nc = slice.current.length;
    const where = { dimension: slice.dimension, value: slice.value };
    if (nb < settings.minSamples || nc < settings.minSamples) {
      for (const kind of METRIC_KINDS)
        if (enabled(kind) && (kind !== 'feedback' || feedbackAny) && (kind !== 'score' || scoreNames.length))
          skipped.push({
            kind,
            ...where,
            reason: `not enough data: ${nb} baseline and ${nc} current calls (minimum ${settings.minSamples})`,
          });
      continue;
    }
    const share = nc / Math.max(1, input.currentCalls.length);
    if (enabled('latency')) candidates.push(...latency(context, slice, share));
    if (enabled('error_rate')) {
      const errors: RateSpec = {
        kind: 'error_rate',
        judged: () => true,
        positive: (c) => c.error,
        title: (s, b, c) => `Error rate of ${s} rose from ${percent(b, 1)} to ${percent(c, 1)}`,
      };
      candidates.push(rate(context, slice, share, errors));
      if (recent) candidates.push(rate(context, wide, share, { ...errors, sustained: true }));
    }
    if (enabled('tokens'))
      candidates.push(
        continuous(context, slice, share, {
          kind: 'tokens',
          metric: 'tokens',
          value: (c) => c.inputTokens + c.outputTokens,
          direction: 'greater',
          title: (s, e, b, c) =>
            `Tokens per call of ${s} ${change(e)} (${Math.round(b)} -> ${Math.round(c)})`,
        }),
      );
    if (enabled('cost')) {
      const cost = continuous(context, slice, share, {
        kind: 'cost',
        metric: 'cost',
        value: (c) => c.costUsd,
        direction: 'greater',
        title: (s, e, b, c) => `Cost per call of ${s} ${change(e)} (${usd(b)} -> ${usd(c)})`,
      });
      if (cost) candidates.push(cost);
    }
    if (enabled('feedback') && feedbackAny) {
      const feedback: RateSpec = {
        kind: 'feedback',
        judged: (c) => c.negativeFeedback !== null,
        positive: (c) => c.negativeFeedback === true,
        title: (s, b, c) => `Negative feedback on ${s} rose from ${percent(b)} to ${percent(c)}`,
      };
      const judgedB = countJudged(input.baselineCalls, slice.baseline);
      const judgedC = countJudged(pooled.currentCalls, slice.current);
      const judgedRecent = recent ? countJudged(pooled.currentCalls, wide.current) : 0;
      const min = settings.minSamples;
      if (judgedB >= min && judgedC >= min) candidates.push(rate(context, slice, share, feedback));
      if (judgedB >= min && judgedRecent >= min)
        candidates.push(rate(context, wide, share, { ...feedback, sustained: true }));
      if (judgedB < min || Math.max(judgedC, judgedRecent) < min)
        skipped.push({
          kind: 'feedback',
          ...where,
          reason: `not enough data: ${judgedB} baseline and ${judgedC} current calls with feedback${recent ? ` (${judgedRecent} with the recent windows)` : ''} (minimum ${min})`,
        });
    }
    if (enabled('score'))
      for (const name of scoreNames) {
        const score = continuous(context, slice, share, {
          kind: 'score',
          metric: `score:${name}`,
          keySuffix: name,
          value: (c) => (name in c.scores ? c.scores[name]! : null),
          direction: 'less',
          title: (s, e, b, c) => `Score "${name}" of ${s} ${change(e)} (${b.toFixed(2)} -> ${c.toFixed(2)})`,
        });
        if (score) candidates.push(score);
      }
  }
  return {
    candidates: candidates.filter((c): c is Candidate => c !== null).map(withTopic(context)),
    skipped,
  };
}

/** A topic slice's problem carries the topic's terms and examples (read only for reported findings). */
function withTopic(context: Context): (c: Candidate) => Candidate {
  return (c) => {
    if (c.dimension !== 'topic' || !c.enrich) return c;
    const enrich = c.enrich;
    return {
      ...c,
      enrich: () => {
        const topic = context.names.evidence(c);
        return { ...enrich(), ...(topic ? { topic } : {}) };
      },
    };
  };
}

/**
 * Score names to test as scores: those with a value other than 0 and 1. A name holding only 0/1 is a thumbs-style
 * judgement (docs/feedback.md: booleans, and 0/1 under a name without settings, are negative feedback), already
 * in the negative-feedback rate: testing it again would open a second problem for the same ratings.
 */
function judgementFree(calls: CallMetrics[]): string[] {
  const graded = new Set<string>();
  const all = new Set<string>();
  for (const c of calls)
    for (const [name, v] of Object.entries(c.scores)) {
      all.add(name);
      if (v !== 0 && v !== 1) graded.add(name);
    }
  return [...all].filter((name) => graded.has(name)).sort();
}

function countJudged(calls: CallMetrics[], indexes: Int32Array): number {
  let n = 0;
  for (const i of indexes) if (calls[i]!.negativeFeedback !== null) n++;
  return n;
}

/** What the metric detectors share: the input, the seed, helpers for evidence. */
class Context {
  readonly names: TopicNames;

  constructor(
    readonly input: DetectionInput,
    readonly seed: number,
  ) {
    this.names = new TopicNames(input);
  }

  get minSamples(): number {
    return this.input.settings.minSamples;
  }

  /**
   * The metric's values over a slice, at most `cap` of them: a systematic sample (every k-th call, calls being in
   * time order) keeps tests O(cap log cap) on huge slices, where power is no longer the limit (minEffect is).
   */
  values(
    side: 'baseline' | 'current',
    indexes: Int32Array,
    f: (c: CallMetrics) => number | null,
    cap = Infinity,
  ): Float64Array {
    const calls = side === 'baseline' ? this.input.baselineCalls : this.input.currentCalls;
    const step = Math.max(1, Math.ceil(indexes.length / cap));
    const out = new Float64Array(Math.ceil(indexes.length / step));
    let n = 0;
    for (let k = 0; k < indexes.length; k += step) {
      const v = f(calls[indexes[k]!]!);
      if (v !== null && Number.isFinite(v)) out[n++] = v;
    }
    return out.subarray(0, n);
  }

  /** The metric per time bucket (12 per window) through both windows, and the baseline buckets' 5-95% band. */
  series(
    slice: Slice,
    f: (c: CallMetrics) => number | null,
    aggregate: (values: number[]) => number,
  ): Pick<FindingEvidence, 'series' | 'band'> {
    const buckets = (calls: CallMetrics[], indexes: Int32Array, window: TimeWindow): SeriesPoint[] => {
      const size = Math.max(1, (window.toMs - window.fromMs) / 12);
      const groups: number[][] = Array.from({ length: 12 }, () => []);
      for (const i of indexes) {
        const c = calls[i]!;
        const v = f(c);
        const b = Math.floor((c.timeMs - window.fromMs) / size);
        if (v !== null && b >= 0 && b < 12) groups[b]!.push(v);
      }
      return groups.flatMap((g, b) =>
        g.length ? [{ timeMs: Math.round(window.fromMs + b * size), value: aggregate(g) }] : [],
      );
    };
    const base = buckets(this.input.baselineCalls, slice.baseline, this.input.baseline);
    const current = buckets(this.input.currentCalls, slice.current, this.input.current);
    const values = base.map((p) => p.value);
    return {
      series: [...base, ...current],
      band: values.length ? { low: quantileOf(values, 0.05), high: quantileOf(values, 0.95) } : undefined,
    };
  }

  /** Where the change began in the current window: an upper CUSUM calibrated on the baseline (see sequential.ts). */
  changePoint(
    slice: Slice,
    f: (c: CallMetrics) => number | null,
    direction: 'greater' | 'less',
  ): number | undefined {
    const sign = direction === 'greater' ? 1 : -1;
    const ordered = [...slice.current].sort(
      (a, b) => this.input.currentCalls[a]!.timeMs - this.input.currentCalls[b]!.timeMs,
    );
    const step = Math.max(1, Math.ceil(ordered.length / 2000));
    const kept = ordered.filter((_, i) => i % step === 0);
    const current: number[] = [];
    const times: number[] = [];
    for (const i of kept) {
      const v = f(this.input.currentCalls[i]!);
      if (v === null) continue;
      current.push(sign * v);
      times.push(this.input.currentCalls[i]!.timeMs);
    }
    const all = this.values('baseline', slice.baseline, f);
    const every = Math.max(1, Math.ceil(all.length / 2000));
    const baseline = Array.from(
      all.filter((_, i) => i % every === 0),
      (v) => sign * v,
    );
    if (current.length < 2 || baseline.length < 2) return undefined;
    const result = calibratedCusum(baseline, current, this.input.settings.falseAlarmRate, {
      seed: this.seed,
      simulations: 300,
    });
    return result.alarm ? times[result.changeIndex] : undefined;
  }

  /** Trace ids of the current slice's calls that score worst on f (highest first, or lowest for 'less'). */
  worst(slice: Slice, f: (c: CallMetrics) => number | null, direction: 'greater' | 'less'): string[] {
    const top: { id: string; v: number }[] = [];
    for (const i of slice.current) {
      const c = this.input.currentCalls[i]!;
      const raw = f(c);
      if (raw === null || top.some((t) => t.id === c.traceId)) continue;
      const v = direction === 'greater' ? raw : -raw;
      if (top.length < 5 || v > top[top.length - 1]!.v) {
        top.push({ id: c.traceId, v });
        top.sort((a, b) => b.v - a.v);
        if (top.length > 5) top.pop();
      }
    }
    return top.map((t) => t.id);
  }
}

function base(slice: Slice) {
  return {
    ...(slice.dimension ? { dimension: slice.dimension, value: slice.value } : {}),
    slice: { baseline: slice.baseline, current: slice.current },
  };
}

/** Latency: p95 by the pooled-quantile exceedance test, p50 by Mann-Whitney; both one-sided (slower is bad). */
function latency(context: Context, slice: Slice, share: number): Candidate[] {
  const f = (c: CallMetrics) => c.latencyMs;
  const b = context.values('baseline', slice.baseline, f, TEST_CAP);
  const c = context.values('current', slice.current, f, TEST_CAP);
  const who = context.names.who(slice);
  const make = (q: 0.5 | 0.95): Candidate => {
    const label = q === 0.5 ? 'p50' : 'p95';
    const test = (bb: Float64Array, cc: Float64Array) =>
      q === 0.5 ? mannWhitney(bb, cc, 'greater') : quantileExceedanceTest(bb, cc, q, 'greater');
    const result = test(b, c);
    const bq = quantileOf(b, q);
    const cq = quantileOf(c, q);
    const effect = bq > 0 ? cq / bq - 1 : 0;
    return {
      kind: 'latency',
      metric: 'latency',
      causeKey: keyOf('latency', slice, label),
      pValue: result.pValue,
      effectSize: effect,
      reportable: true,
      ...base(slice),
      finding: {
        kind: 'latency',
        ...(slice.dimension ? { dimension: slice.dimension, value: slice.value } : {}),
        causeKey: keyOf('latency', slice, label),
        title: `${label} latency of ${who} ${change(effect)} (${milliseconds(bq)} -> ${milliseconds(cq)})`,
        statistic: q === 0.5 ? 'mann_whitney_z' : 'p95_exceedance_z',
        score: result.statistic,
        effectSize: effect,
        baselineValue: bq,
        currentValue: cq,
        trafficShare: share,
        evidence: { exampleTraceIds: [] },
      },
      retest: (bi, ci) => retestContinuous(context, bi, ci, f, (x, y) => test(x, y).pValue),
      enrich: () => {
        const ci = quantileDifferenceCi(b, c, q, { seed: context.seed, resamples: 200 });
        return {
          exampleTraceIds: context.worst(slice, f, 'greater'),
          ...context.series(slice, f, (v) => quantileOf(v, q)),
          changePointMs: context.changePoint(slice, (x) => Math.log(Math.max(1e-3, x.latencyMs)), 'greater'),
          details: {
            baselineCalls: b.length,
            currentCalls: c.length,
            [`${label}DifferenceMs`]: ci.estimate,
            [`${label}DifferenceLowMs`]: ci.low,
            [`${label}DifferenceHighMs`]: ci.high,
          },
        };
      },
    };
  };
  return [make(0.5), make(0.95)];
}

function retestContinuous(
  context: Context,
  bi: Int32Array,
  ci: Int32Array,
  f: (c: CallMetrics) => number | null,
  test: (b: Float64Array, c: Float64Array) => number,
): number | null {
  const b = context.values('baseline', bi, f, TEST_CAP);
  const c = context.values('current', ci, f, TEST_CAP);
  return b.length < context.minSamples || c.length < context.minSamples ? null : test(b, c);
}

/**
 * A per-call quantity with heavy tails (tokens, cost) or a score: Mann-Whitney (one-sided) decides, the ratio of
 * means is the effect (means are what bills and dashboards show).
 */
function continuous(
  context: Context,
  slice: Slice,
  share: number,
  spec: {
    kind: DetectorKind;
    metric: string;
    keySuffix?: string;
    value: (c: CallMetrics) => number | null;
    direction: 'greater' | 'less';
    title: (who: string, effect: number, baseline: number, current: number) => string;
  },
): Candidate | null {
  const b = context.values('baseline', slice.baseline, spec.value, TEST_CAP);
  const c = context.values('current', slice.current, spec.value, TEST_CAP);
  if (b.length < context.minSamples || c.length < context.minSamples) return null;
  const result = mannWhitney(b, c, spec.direction);
  const mb = mean(b);
  const mc = mean(c);
  const effect = mb !== 0 ? mc / mb - 1 : 0;
  const causeKey = keyOf(spec.kind, slice, spec.keySuffix);
  return {
    kind: spec.kind,
    metric: spec.metric,
    causeKey,
    pValue: result.pValue,
    effectSize: effect,
    reportable: spec.direction === 'greater' ? effect > 0 : effect < 0,
    ...base(slice),
    finding: {
      kind: spec.kind,
      ...(slice.dimension ? { dimension: slice.dimension, value: slice.value } : {}),
      causeKey,
      title: spec.title(context.names.who(slice), effect, mb, mc),
      statistic: 'mann_whitney_z',
      score: result.statistic,
      effectSize: effect,
      baselineValue: mb,
      currentValue: mc,
      trafficShare: share,
      evidence: { exampleTraceIds: [] },
    },
    retest: (bi, ci) =>
      retestContinuous(context, bi, ci, spec.value, (x, y) => mannWhitney(x, y, spec.direction).pValue),
    enrich: () => ({
      exampleTraceIds: context.worst(slice, spec.value, spec.direction),
      ...context.series(slice, spec.value, (v) => mean(v)),
      changePointMs: context.changePoint(slice, spec.value, spec.direction),
      details: { baselineCalls: b.length, currentCalls: c.length },
    }),
  };
}

/** A rate (errors, negative feedback among judged calls): two-proportion z test, Fisher's exact on small counts. */
interface RateSpec {
  kind: DetectorKind;
  judged: (c: CallMetrics) => boolean;
  positive: (c: CallMetrics) => boolean;
  title: (who: string, baseline: number, current: number) => string;
  /** The slice's current side holds the recent windows' calls too (a sustained change); same cause as the window's. */
  sustained?: boolean;
}

/**
 * A rate (errors, negative feedback) against the baseline's: one-sided two-proportion test. A sustained candidate
 * has the same cause key as the window's, so at most one problem opens (the smaller p-value wins).
 */
function rate(context: Context, slice: Slice, share: number, spec: RateSpec): Candidate {
  const f = (c: CallMetrics) => (spec.judged(c) ? (spec.positive(c) ? 1 : 0) : null);
  const count = (side: 'baseline' | 'current', indexes: Int32Array) => {
    const v = context.values(side, indexes, f);
    return { x: v.reduce((a, b) => a + b, 0), n: v.length };
  };
  const b = count('baseline', slice.baseline);
  const c = count('current', slice.current);
  const result = twoProportion(b, c, 'greater');
  const rb = b.x / b.n;
  const rc = c.x / c.n;
  // A baseline without any event counts as half an event, so the ratio stays finite.
  const effect = rc / Math.max(rb, 0.5 / b.n) - 1;
  const causeKey = keyOf(spec.kind, slice);
  return {
    kind: spec.kind,
    metric: spec.kind,
    causeKey,
    pValue: result.pValue,
    minPValue: minAttainablePGreater(b, c),
    effectSize: effect,
    reportable: effect > 0,
    ...base(slice),
    finding: {
      kind: spec.kind,
      ...(slice.dimension ? { dimension: slice.dimension, value: slice.value } : {}),
      causeKey,
      title: `${spec.title(context.names.who(slice), rb, rc)}${spec.sustained ? ' over the recent windows' : ''}`,
      statistic: 'two_proportion_z',
      score: result.statistic,
      effectSize: effect,
      baselineValue: rb,
      currentValue: rc,
      trafficShare: share,
      evidence: { exampleTraceIds: [] },
    },
    retest: (bi, ci) => {
      const bb = count('baseline', bi);
      const cc = count('current', ci);
      return bb.n < context.minSamples || cc.n < context.minSamples
        ? null
        : twoProportion(bb, cc, 'greater').pValue;
    },
    enrich: () => ({
      exampleTraceIds: context.worst(slice, f, 'greater'),
      ...context.series(slice, f, (v) => mean(v)),
      changePointMs: context.changePoint(slice, f, 'greater'),
      details: {
        baselineEvents: b.x,
        baselineCalls: b.n,
        currentEvents: c.x,
        currentCalls: c.n,
        ...(spec.sustained ? { pooled: 'the current window with the recent windows before it' } : {}),
      },
    }),
  };
}
