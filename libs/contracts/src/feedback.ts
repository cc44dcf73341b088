/**
 * End-user feedback and scores attached to traces or spans (POST /api/feedback). A trace may arrive after its
 * feedback: items are kept as sent and joined to spans when read.
 */

export type FeedbackValue = number | boolean | string;

/** One item as the API accepted it (validated; at least one of traceId/spanId). */
export interface FeedbackInput {
  traceId?: string;
  spanId?: string;
  name: string;
  value: FeedbackValue;
  comment?: string;
  correction?: string;
  userId?: string;
  metadata?: Record<string, string>;
  idempotencyKey?: string;
  timeMs?: number;
}

/** Who sent an item: a project API key, a browser-safe public key, or a signed-in dashboard user. */
export type FeedbackSource = 'api_key' | 'public_key' | 'dashboard';

export interface StoredFeedback {
  /** Derived from (project, idempotency key); the same for every retry of an item. */
  id: string;
  /** '' when the item named only a span (resolved to its trace when read). */
  traceId: string;
  spanId: string;
  name: string;
  value: FeedbackValue;
  comment: string;
  correction: string;
  userId: string;
  metadata: Record<string, string>;
  /** The client's key, or the one derived from the item's content ("content:" + hash). */
  idempotencyKey: string;
  /** When the judgement was made (the client's timeMs, else when it was received), ISO 8601. */
  time: string;
  receivedAt: string;
  source: FeedbackSource;
  /** Whether this item counts as negative under the project's rules (null: it is no judgement). */
  negative: boolean | null;
}

export interface FeedbackWriteResult {
  accepted: number;
  duplicates: number;
  /** One per input item, in order; a duplicate's id is the stored item's. */
  ids: string[];
}

/**
 * How a feedback name is judged. boolean: true/false (or 1/0), false negative. numeric: a score in [min, max],
 * negative below negativeBelow. categorical: one of labels, negative when in negativeLabels.
 */
export type FeedbackNameConfig =
  | { name: string; type: 'boolean' }
  | { name: string; type: 'numeric'; min?: number; max?: number; negativeBelow?: number }
  | { name: string; type: 'categorical'; labels: string[]; negativeLabels: string[] };

export interface FeedbackSettings {
  /** Browser origins (scheme://host[:port]) allowed to POST feedback for the project; "*" allows any. */
  allowedOrigins: string[];
  names: FeedbackNameConfig[];
  /** When true, a name not listed in `names` is refused (400). */
  requireConfiguredNames: boolean;
}

export interface FeedbackSettingsStore {
  get(projectId: string): Promise<FeedbackSettings>;
  replace(projectId: string, settings: FeedbackSettings): Promise<void>;
  /** Cached for hot paths (CORS, validation, reads), re-read every few seconds. */
  current(projectId: string): Promise<FeedbackSettings>;
  /** Origins some project allows (answering a preflight, which names no project). */
  anyProjectAllows(origin: string): Promise<boolean>;
}

/** A trace's feedback as the regression detectors and the traces list use it. */
export interface TraceFeedback {
  /** True when some judgement is negative, false when judged and none is, null when nobody judged. */
  negativeFeedback: boolean | null;
  /** Average per name of numeric and boolean (1/0) values. */
  scores: Record<string, number>;
  /** Items counted (the latest per trace, span, name and user). */
  count: number;
}

export interface FeedbackStore {
  /** Stores new items; an item whose id is already stored (a retry) is counted as a duplicate, not stored. */
  record(
    projectId: string,
    items: readonly FeedbackInput[],
    source: FeedbackSource,
  ): Promise<FeedbackWriteResult>;
  /** The trace's items, including those naming only one of its spans; oldest first. */
  listForTrace(projectId: string, traceId: string): Promise<StoredFeedback[]>;
  /** Per trace (by trace ids, or traces with feedback in a time range of the spans). */
  byTrace(projectId: string, scope: FeedbackScope): Promise<Map<string, TraceFeedback>>;
}

export type FeedbackScope = { traceIds: readonly string[] } | { fromMs: number; toMs: number };
