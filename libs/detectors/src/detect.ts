import type { DetectionInput, DetectionResult, DetectorKind, Finding } from '@driftwatch/contracts';
import { type Candidate, type DetectorOutput, severity } from './candidate.js';
import { driftCandidates } from './drift.js';
import { regressionCandidates } from './regressions.js';
import { discreteBenjaminiHochberg } from './stats/proportions.js';
import { topicCandidates } from './topics.js';

const TOPIC_KINDS: DetectorKind[] = ['topic_shift', 'new_topic', 'out_of_scope'];

/**
 * Runs the enabled detectors over one (baseline, current) pair. Pure and seeded: same input and seed, same result.
 *
 * 1. Every detector returns candidates (one per hypothesis tested) with raw p-values.
 * 2. Benjamini-Hochberg over ALL candidates of the run at settings.falseAlarmRate: under "nothing changed" the chance
 *    of any finding in a run stays near that rate however many slices and metrics are tested. Rate tests whose
 *    events are too few to ever reach the level are left out of the count (discreteBenjaminiHochberg).
 * 3. A candidate is reported when it passes, is in the harmful direction, and |effect| >= settings.minEffect.
 * 4. Same-cause rules: see sameCause().
 */
export function detect(input: DetectionInput, options: { seed?: number } = {}): DetectionResult {
  const seed = options.seed ?? 1;
  const { settings } = input;
  const enabled = (k: string) =>
    settings.enabled.length === 0 || settings.enabled.includes(k as DetectorKind);
  const hasVectors = input.baselineVectors.length + input.currentVectors.length > 0;
  const outputs = [
    guarded(['latency', 'error_rate', 'tokens', 'cost', 'feedback', 'score'], () =>
      regressionCandidates(input, seed),
    ),
    ...(hasVectors
      ? [
          guarded(TOPIC_KINDS.filter(enabled), () => topicCandidates(input, seed, enabled)),
          ...(enabled('embedding_drift')
            ? [guarded(['embedding_drift'], () => driftCandidates(input, seed))]
            : []),
        ]
      : []),
  ];
  const candidates = outputs.flatMap((o) => o.candidates);
  const skipped = outputs.flatMap((o) => o.skipped);
  if (input.baselineVectors.length + input.currentVectors.length === 0)
    for (const kind of [...TOPIC_KINDS, 'embedding_drift'] as DetectorKind[])
      if (enabled(kind)) skipped.push({ kind, reason: 'no embeddings in this project' });

  const adjusted = discreteBenjaminiHochberg(
    candidates.map((c) => c.pValue),
    candidates.map((c) => c.minPValue ?? 0),
    settings.falseAlarmRate,
  );
  const passed = candidates
    .map((c, i) => ({ c, p: adjusted[i]! }))
    .filter(
      ({ c, p }) =>
        p <= settings.falseAlarmRate && c.reportable && Math.abs(c.effectSize) >= settings.minEffect,
    );
  const kept = sameCause(passed, settings.falseAlarmRate);
  const findings: Finding[] = kept.map(({ c, p }) => {
    const extra = c.enrich?.() ?? {};
    return {
      ...c.finding,
      pValue: p,
      severity: severity(c.kind, c.effectSize, c.finding.trafficShare),
      evidence: {
        ...c.finding.evidence,
        ...extra,
        details: { ...c.finding.evidence.details, ...extra.details },
      },
    };
  });
  findings.sort((a, b) => b.severity - a.severity || (a.causeKey < b.causeKey ? -1 : 1));
  return { findings, skipped };
}

/** One detector family failing (e.g. vectors of two lengths) skips its checks with the reason; the others still run. */
function guarded(kinds: DetectorKind[], run: () => DetectorOutput): DetectorOutput {
  try {
    return run();
  } catch (error) {
    const reason = `failed: ${error instanceof Error ? error.message : String(error)}`;
    return { candidates: [], skipped: kinds.map((kind) => ({ kind, reason })) };
  }
}

interface Passed {
  c: Candidate;
  p: number;
}

/**
 * The same cause never yields two findings:
 * - one finding per causeKey (the smallest p-value);
 * - latency: when p50 and p95 of one slice both pass, p95 is kept;
 * - tokens and cost of one slice: when both rose, one problem of kind cost (what the change costs the user; the
 *   tokens' rise goes into its details); tokens alone when cost did not pass (no prices, or cheaper tokens);
 * - across dimensions (a model's regression seen again in the release that carries half the model's calls): x is
 *   dropped when another finding y of the same metric overlaps it and x's calls outside y show nothing (re-tested:
 *   p > falseAlarmRate, or too few calls) while y's calls outside x still do; when each explains the other (nearly
 *   the same calls) the stronger one stays; a slice inside another (a model inside all calls) stays unless the
 *   larger one shows the change outside it too;
 * - embedding drift: one finding per field; none when a topic finding (share shift, new topic, out of scope)
 *   explains the drift; the project-wide topic-mix finding only when no single topic's does.
 */
function sameCause(passed: Passed[], alpha: number): Passed[] {
  const byKey = new Map<string, Passed>();
  for (const x of passed) {
    const had = byKey.get(x.c.causeKey);
    if (!had || x.p < had.p || (x.p === had.p && Math.abs(x.c.effectSize) > Math.abs(had.c.effectSize)))
      byKey.set(x.c.causeKey, x);
  }
  let list = [...byKey.values()];
  const sliceId = (c: Candidate) => `${c.dimension ?? ''}=${c.value ?? ''}`;
  const has = (kind: DetectorKind, id: string, pred: (c: Candidate) => boolean = () => true) =>
    list.some((x) => x.c.kind === kind && sliceId(x.c) === id && pred(x.c));
  list = list.filter(({ c }) => {
    if (c.kind === 'latency' && c.causeKey.endsWith(':p50'))
      return !has('latency', sliceId(c), (o) => o.causeKey.endsWith(':p95'));
    return true;
  });
  for (const x of list)
    if (x.c.kind === 'cost') {
      const tokens = passed.find((t) => t.c.kind === 'tokens' && sliceId(t.c) === sliceId(x.c));
      if (tokens) {
        const details = x.c.finding.evidence.details ?? {};
        x.c.finding.evidence.details = { ...details, tokensEffect: tokens.c.effectSize };
      }
    }
  // Across dimensions, per metric: drop x when another finding y explains it.
  const stronger = (a: Passed, b: Passed) =>
    a.p < b.p || (a.p === b.p && Math.abs(a.c.effectSize) > Math.abs(b.c.effectSize));
  // Then tokens give way to cost of the same slice (after the step above, so a model's token rise still explains
  // the same rise seen in a topic or a release).
  const kept = list
    .filter((x) => !list.some((y) => y !== x && explains(y, x, alpha, stronger)))
    .filter(
      ({ c }, _, all) =>
        c.kind !== 'tokens' ||
        !all.some((o) => o.c.kind === 'cost' && sliceId(o.c) === sliceId(c) && o.c.effectSize > 0),
    );
  const topicFinding = kept.some((x) => TOPIC_KINDS.includes(x.c.kind) && x.c.causeKey !== 'topic_shift:all');
  const driftFields = new Set<string>();
  return kept.filter(({ c }) => {
    if (c.causeKey === 'topic_shift:all') return !topicFinding;
    if (c.kind !== 'embedding_drift') return true;
    if (topicFinding || kept.some((x) => x.c.causeKey === 'topic_shift:all')) return false;
    if (driftFields.has(c.causeKey)) return false;
    driftFields.add(c.causeKey);
    return true;
  });
}

/** Does y explain x (see sameCause)? */
function explains(y: Passed, x: Passed, alpha: number, stronger: (a: Passed, b: Passed) => boolean): boolean {
  const [xs, ys] = [x.c.slice, y.c.slice];
  if (y.c.metric !== x.c.metric || !xs || !ys || !x.c.retest || !y.c.retest) return false;
  const xOutside = without(xs.current, ys.current);
  const yOutside = without(ys.current, xs.current);
  if (xOutside.length === xs.current.length) return false; // no overlap
  const nothing = (p: number | null) => p === null || p > alpha;
  const xAlone = () => x.c.retest!(without(xs.baseline, ys.baseline), xOutside);
  const yAlone = () => y.c.retest!(without(ys.baseline, xs.baseline), yOutside);
  // x inside y (a model inside all calls): y is the cause only if it shows the change outside x too.
  if (xOutside.length === 0) return !nothing(yAlone());
  // y inside x (a release inside all calls): y is the cause when the rest of x shows nothing.
  if (yOutside.length === 0) return nothing(xAlone());
  if (!nothing(xAlone())) return false;
  return !nothing(yAlone()) || stronger(y, x);
}

/** Indexes of `a` not in `b` (both ascending). */
function without(a: Int32Array, b: Int32Array): Int32Array {
  const out: number[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return Int32Array.from(out);
}
