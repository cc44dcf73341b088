import type {
  DetectionDimension,
  DetectorKind,
  Finding,
  FindingEvidence,
  SkippedCheck,
} from '@driftwatch/contracts';

/**
 * One hypothesis a detector tested. All candidates of a run go through Benjamini-Hochberg together; those that pass
 * it and the minimum effect become findings (after the same-cause rules in detect.ts).
 */
export interface Candidate {
  kind: DetectorKind;
  dimension?: DetectionDimension;
  value?: string;
  causeKey: string;
  /** Raw p-value (one-sided in the harmful direction where the test has one). */
  pValue: number;
  /**
   * The smallest p-value the test could give with the data's margins (a rate over few events): tests that cannot
   * reach the run's level are not counted in its multiple-testing correction. Absent: a continuous test (0).
   */
  minPValue?: number;
  /** Relative change, signed; |effect| >= minEffect is needed to report. */
  effectSize: number;
  /** False when the candidate only counts as a test (e.g. a topic's share dropping less than half). */
  reportable: boolean;
  /** Group of tests of the same quantity, for the same-cause rules (e.g. 'latency', 'score:relevance'). */
  metric: string;
  /** The finding, minus what detect() fills in (pValue after BH, severity). */
  finding: Omit<Finding, 'pValue' | 'severity'>;
  /** Where the candidate's calls are, for the same-cause rules across dimensions. */
  slice?: { baseline: Int32Array; current: Int32Array };
  /** Re-test on a sub-slice (indexes into the windows' calls): raw p-value, or null when too small to test. */
  retest?: (baseline: Int32Array, current: Int32Array) => number | null;
  /** Costlier evidence (series, change point, intervals), computed only for reported findings. */
  enrich?: () => Partial<FindingEvidence>;
}

export interface DetectorOutput {
  candidates: Candidate[];
  skipped: SkippedCheck[];
}

/** How much each kind of problem hurts users, 0..1 (the "user impact" factor of severity). */
const IMPACT: Record<DetectorKind, number> = {
  error_rate: 1,
  feedback: 1,
  score: 0.8,
  new_topic: 0.8,
  out_of_scope: 0.8,
  latency: 0.7,
  cost: 0.6,
  tokens: 0.5,
  topic_shift: 0.5,
  embedding_drift: 0.4,
};

/**
 * severity = 100 x E x S x I, rounded, in 0..100, where
 *   E = 1 - exp(-|effect| / 0.5)   effect size: +20% -> 0.33, +40% -> 0.55, +100% -> 0.86, x3 -> 0.98
 *   S = 0.3 + 0.7 x sqrt(share)    traffic share of the current window: 1% -> 0.37, 10% -> 0.52, 100% -> 1
 *   I = IMPACT[kind]               user impact: errors and negative feedback 1 ... embedding drift 0.4
 * A slice's problem still counts when small (S >= 0.3), and the square root keeps one big slice from dwarfing all.
 */
export function severity(kind: DetectorKind, effect: number, trafficShare: number): number {
  const e = 1 - Math.exp(-Math.abs(effect) / 0.5);
  const s = 0.3 + 0.7 * Math.sqrt(Math.min(1, Math.max(0, trafficShare)));
  return Math.max(0, Math.min(100, Math.round(100 * e * s * IMPACT[kind])));
}

export function percent(x: number, digits = 0): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** "rose 40%" / "fell 12%" / "tripled" style wording of a relative change. */
export function change(effect: number): string {
  if (effect >= 1.95) return `rose ${(1 + effect).toFixed(1)}x`;
  return effect >= 0 ? `rose ${percent(effect)}` : `fell ${percent(-effect)}`;
}

export function milliseconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

export function usd(x: number): string {
  return x >= 0.01 ? `$${x.toFixed(2)}` : `$${x.toPrecision(2)}`;
}

/** Who a dimension value is in a title: "gpt-4o-mini", "release 2.4", "topic t3", "topics t2 + t19" (a group). */
export function subject(dimension: DetectionDimension | undefined, value: string | undefined): string {
  if (!dimension) return 'all calls';
  if (dimension === 'model') return value ?? '';
  if (dimension === 'topic' && value?.includes(',')) return `topics ${value.split(',').join(' + ')}`;
  return `${dimension} ${value ?? ''}`;
}
