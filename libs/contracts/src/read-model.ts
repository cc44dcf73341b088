import type { Attributes } from './otlp.js';
import type { LlmCall, SpanKindName, SpanStatus } from './span-record.js';

export type TraceSortField = 'startTime' | 'durationMs' | 'costUsd' | 'totalTokens';

export interface TraceListQuery {
  /** Inclusive start, exclusive end, ms since epoch. */
  fromMs: number;
  toMs: number;
  model?: string;
  provider?: string;
  userId?: string;
  sessionId?: string;
  status?: 'ok' | 'error';
  /** Case-insensitive substring of any input or output message. */
  search?: string;
  minDurationMs?: number;
  /** Traces with feedback (any), without (none), judged negative, or judged and not negative (positive). */
  feedback?: 'any' | 'none' | 'negative' | 'positive';
  /** Traces with an LLM call whose request is in this topic, or in any of several ("t2,t19": a group of topics). */
  topicId?: string;
  sort: TraceSortField;
  order: 'asc' | 'desc';
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface TraceSummary {
  traceId: string;
  name: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  llmCallCount: number;
  models: string[];
  inputTokens: number;
  outputTokens: number;
  /** Some counted call's tokens are estimated from its messages (it reported no usage). */
  usageEstimated: boolean;
  costUsd: number | null;
  status: 'ok' | 'error';
  userId: string | null;
  sessionId: string | null;
  /** Feedback items counted on the trace (the latest per span, name and user). */
  feedbackCount: number;
  /** Some judgement is negative (true), judged and none is (false), nobody judged (null). */
  negativeFeedback: boolean | null;
  /** Topic of the trace's first assigned LLM call request, null when none is assigned. */
  topicId: string | null;
}

export interface TraceListPage {
  items: TraceSummary[];
  nextCursor: string | null;
}

/** How many traces match a list's filters (its cursor, sort and limit aside), counted up to a cap. */
export interface TraceCount {
  /** The count, at most the cap. */
  total: number;
  /** More traces match than the cap: read `total` as "more than". */
  totalCapped: boolean;
}

export interface SpanView {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: SpanKindName;
  startTime: string;
  durationMs: number;
  status: SpanStatus;
  statusMessage: string;
  attributes: Attributes;
  resource: Attributes;
  llm: LlmView | null;
}

export type LlmView = Pick<
  LlmCall,
  | 'operation'
  | 'provider'
  | 'requestModel'
  | 'responseModel'
  | 'inputMessages'
  | 'outputMessages'
  | 'systemInstructions'
  | 'toolCalls'
  | 'finishReasons'
  | 'usage'
  | 'costUsd'
> & {
  /**
   * The call's tokens and cost are part of the trace's totals: a counted model call that no other counted model
   * call of the trace has as parent (a wrapper around the provider call repeats its usage, whatever the export
   * order). Sum only these.
   */
  usageCounted: boolean;
};

export interface TraceDetail {
  traceId: string;
  spans: SpanView[];
}

export interface MetricsQuery {
  fromMs: number;
  toMs: number;
  /** Bucket width in seconds. */
  bucketSeconds: number;
  groupBy?: 'model' | 'release' | 'environment';
  /** With groupBy: the groups with most requests kept apart; the others are summed as one "(other)" group. */
  series?: number;
}

export interface MetricsPoint {
  bucketStart: string;
  group: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Calls whose trace has a feedback judgement, and of them those judged negative. */
  feedbackCalls: number;
  negativeFeedbackCalls: number;
  /** negativeFeedbackCalls / feedbackCalls; null when nobody judged. */
  negativeFeedbackRate: number | null;
}

export interface MetricsSummary {
  /** Totals over the whole range (per group when grouped). */
  totals: MetricsPoint[];
  buckets: MetricsPoint[];
}
