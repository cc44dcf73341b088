import type { Lifecycle } from './lifecycle.js';

/**
 * Detection: statistics over a current window against a baseline that open problems. Detectors are pure
 * (libs/detectors): they read a DetectionInput and return Findings; the runner (apps/server detector role) reads
 * the inputs from the stores, turns findings into problems and keeps them idempotent per (project, detector, window).
 */

export type DetectorKind =
  | 'embedding_drift'
  | 'topic_shift'
  | 'new_topic'
  | 'out_of_scope'
  | 'latency'
  | 'error_rate'
  | 'tokens'
  | 'cost'
  | 'feedback'
  | 'score';

/** A field LLM calls can be grouped by for regressions. `topic` needs embeddings. */
export type DetectionDimension = 'model' | 'release' | 'environment' | 'prompt' | 'service' | 'topic';

/** [fromMs, toMs) */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** One LLM call's measurements, as regressions need them. */
export interface CallMetrics {
  traceId: string;
  spanId: string;
  timeMs: number;
  latencyMs: number;
  error: boolean;
  inputTokens: number;
  outputTokens: number;
  /** Null when the model has no price. */
  costUsd: number | null;
  /** Dimension values ('' when unknown); `prompt` is "name@version". */
  model: string;
  release: string;
  environment: string;
  prompt: string;
  service: string;
  /** Topic id from the topic model, null without embeddings or before assignment. */
  topicId: string | null;
  /** Negative user feedback on the call's trace: true, false, or null when nobody judged it. */
  negativeFeedback: boolean | null;
  /** Numeric scores attached to the call (eval scores, feedback scores), by name. */
  scores: Record<string, number>;
}

/** An embedded call (the request or the response side). */
export interface EmbeddedCall {
  traceId: string;
  spanId: string;
  timeMs: number;
  field: 'request' | 'response';
  model: string;
  release: string;
  vector: Float32Array;
  /** Request text when known (topic terms and examples). */
  text?: string;
  /**
   * The stored topic model's topic of the call, when assigned. Detectors fit their own topics on the baseline but
   * name them by the stored id their members mostly carry, so a topic's causeKey stays the same across runs.
   */
  topicId?: string | null;
}

export interface DetectionInput {
  projectId: string;
  baseline: TimeWindow;
  current: TimeWindow;
  baselineCalls: CallMetrics[];
  currentCalls: CallMetrics[];
  /**
   * Calls after the baseline and before the current window (the reader reads up to 2 windows; empty or absent when
   * the baseline ends where the current window starts, as a trailing one does). Rate regressions (errors, negative
   * feedback) also test the current window pooled with them, so a change too small to show in one window's calls
   * (a topic's few ratings an hour) is still found within a few windows.
   */
  recentCalls?: CallMetrics[];
  /** Samples of embedded calls; empty when the project has no embeddings. */
  baselineVectors: EmbeddedCall[];
  currentVectors: EmbeddedCall[];
  /**
   * The project's latest topic model (ids and centroids), when regressions watch the `topic` dimension: groups of
   * near topics are tested too (libs/detectors topic-groups.ts). Absent or empty: single topics only.
   */
  topics?: TopicCentroid[];
  settings: DetectorSettings;
}

/** A fitted topic: its id, name (top terms), unit centroid and calls in its fit window. */
export interface TopicCentroid {
  id: string;
  /** Its top terms joined ("pin · card · change"); the id when it has none. */
  label: string;
  terms: string[];
  centroid: Float32Array;
  size: number;
}

export interface DetectorSettings {
  /** Which detectors run; all when absent. */
  enabled: DetectorKind[];
  /** Family-wise false-alarm budget of one run (after Benjamini-Hochberg), e.g. 0.01. */
  falseAlarmRate: number;
  /** Fewer calls than this in either window (or in a dimension value's slice) reports "not enough data". */
  minSamples: number;
  /** Smallest relative change worth a problem (e.g. 0.1 = 10%), so huge samples do not flag trivia. */
  minEffect: number;
  dimensions: DetectionDimension[];
  baseline: 'trailing' | 'previous_release' | 'fixed';
  /** For 'fixed': the frozen reference window. */
  fixedBaseline?: TimeWindow;
  /** Window length of one run, ms (e.g. 3,600,000). */
  windowMs: number;
  /** For 'trailing': the baseline is this many windows before the current one. */
  baselineWindows: number;
}

export interface SeriesPoint {
  timeMs: number;
  value: number;
}

export interface FindingEvidence {
  /** The metric over time through both windows, and the baseline's band (e.g. its 5-95% range). */
  series?: SeriesPoint[];
  band?: { low: number; high: number };
  changePointMs?: number;
  topic?: { id: string; terms: string[]; examples: string[]; baselineExamples?: string[] };
  exampleTraceIds: string[];
  /** Anything else a reader needs (counts, shares), flat. */
  details?: Record<string, number | string>;
}

/** What one detector found in one (project, window, dimension value). */
export interface Finding {
  kind: DetectorKind;
  /** e.g. 'model', with `value` 'gpt-4o-mini'; absent for project-wide findings. */
  dimension?: DetectionDimension;
  value?: string;
  /** Same cause -> same key, so a second run or a second runner never opens two problems for it. */
  causeKey: string;
  title: string;
  statistic: string;
  /** Test statistic value. */
  score: number;
  /** After multiple-testing control. */
  pValue: number;
  /** Relative change (current / baseline - 1), or the detector's own effect measure. */
  effectSize: number;
  baselineValue: number;
  currentValue: number;
  /** Share of the current window's calls affected, 0..1. */
  trafficShare: number;
  /** effect x share x user impact, 0..100. */
  severity: number;
  evidence: FindingEvidence;
}

/** A detector that lacked data says so instead of testing. */
export interface SkippedCheck {
  kind: DetectorKind;
  dimension?: DetectionDimension;
  value?: string;
  reason: string;
}

export interface DetectionResult {
  findings: Finding[];
  skipped: SkippedCheck[];
}

export type ProblemStatus = 'open' | 'acknowledged' | 'resolved';

export interface Problem extends Finding {
  id: string;
  projectId: string;
  status: ProblemStatus;
  baseline: TimeWindow;
  current: TimeWindow;
  openedAt: number;
  /** Last window in which the detector still saw it. */
  lastSeenAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
}

export interface ProblemQuery {
  projectId: string;
  status?: ProblemStatus[];
  kind?: DetectorKind[];
  dimension?: DetectionDimension;
  value?: string;
  fromMs?: number;
  toMs?: number;
  sort: 'severity' | 'time';
  limit: number;
  cursor?: string;
}

/** Where problems live; upsert is idempotent on (projectId, causeKey) while the problem is not resolved. */
export interface ProblemStore extends Lifecycle {
  record(
    projectId: string,
    findings: Finding[],
    windows: { baseline: TimeWindow; current: TimeWindow },
  ): Promise<Problem[]>;
  list(query: ProblemQuery): Promise<{ items: Problem[]; nextCursor: string | null }>;
  get(projectId: string, id: string): Promise<Problem | null>;
  setStatus(
    projectId: string,
    id: string,
    status: ProblemStatus,
    by: string,
    atMs: number,
  ): Promise<Problem | null>;
}
