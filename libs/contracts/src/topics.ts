import type { LlmCall } from './span-record.js';
import type { VectorField } from './vector-index.js';

/** The messages of an LLM call its texts come from. */
export type StoredCallMessages = Pick<LlmCall, 'inputMessages' | 'outputMessages' | 'systemInstructions'>;

/** A distinctive term of a topic and its class-based TF-IDF weight. */
export interface TopicTermWeight {
  term: string;
  weight: number;
}

/** One call shown as an example of a topic (closest to its centroid first), with its request text. */
export interface TopicExample {
  traceId: string;
  spanId: string;
  text: string;
}

/** One topic of a fitted model, as stored. */
export interface StoredTopic {
  /** Stable across re-fits (`t1`, `t2`, ...): a continued topic keeps its id. */
  id: string;
  /** Its top terms joined, for lists and legends. */
  label: string;
  terms: TopicTermWeight[];
  /** Unit vector of the embedding space. */
  centroid: Float32Array;
  /** Cosine distance to the centroid past which a call is novel for this topic. */
  radius: number;
  /** Calls of the fit window in this topic. */
  size: number;
  examples: TopicExample[];
}

/** A point of the 2-D map of a fit's sample: a projection of its vector, its topic and its request text. */
export interface TopicMapPoint {
  traceId: string;
  spanId: string;
  topicId: string;
  x: number;
  y: number;
  text: string;
}

/** A fitted topic model of one project; each fit gets the next version. */
export interface StoredTopicModel {
  projectId: string;
  version: number;
  fittedAtMs: number;
  /** The baseline window the sample was drawn from, [fromMs, toMs). */
  windowFromMs: number;
  windowToMs: number;
  sampleSize: number;
  dimensions: number;
  noveltyQuantile: number;
  /** The number the next new topic id takes. */
  nextTopicNumber: number;
  topics: StoredTopic[];
  /** The sample projected to 2-D (points) and the centroids on the same axes. */
  map: { points: TopicMapPoint[]; centroids: { topicId: string; x: number; y: number }[] };
}

export type TopicLineageKind = 'created' | 'continued' | 'retired' | 'split' | 'merge';

/** What a fit did to the topics of the previous one: `from` old ids, `into` new ids. */
export interface TopicLineageEvent {
  kind: TopicLineageKind;
  from: string[];
  into: string[];
}

/** The topic of one embedded call (its request), replaced when the call is assigned again. */
export interface TopicAssignment {
  projectId: string;
  traceId: string;
  spanId: string;
  field: VectorField;
  timeMs: number;
  model: string;
  release: string;
  topicId: string;
  /** Version of the model that assigned it. */
  modelVersion: number;
  /** Cosine distance to the topic's centroid. */
  distance: number;
  /** Smallest distance / radius over topics; above 1 the call is novel. */
  novelty: number;
  novel: boolean;
}

export interface TopicWindow {
  /** [fromMs, toMs) of call time. */
  fromMs: number;
  toMs: number;
}

/** Assigned calls per topic in a window, with buckets for a share-over-time line. */
export interface TopicActivity {
  topicId: string;
  /** Assigned (embedded) calls. */
  calls: number;
  /**
   * Calls it stands for: each assigned call weighted by its minute's seen / embedded (the embedding stage samples
   * when it cannot keep up), so shares computed from these are unbiased.
   */
  estimatedCalls: number;
  novelCalls: number;
  /** Estimated calls per bucket, aligned with `bucketStartsMs` of the answer. */
  buckets: number[];
  /** Calls per LLM model, most first. */
  models: { model: string; calls: number }[];
}

export interface TopicActivityReport {
  bucketStartsMs: number[];
  /** Estimated calls of every topic per bucket (the denominator of shares). */
  totals: number[];
  topics: TopicActivity[];
}

/**
 * Where topics live (ClickHouse, so every span filter and metric can be grouped by topic). Every read and write
 * is scoped by project. Rejections: RetryableError when the store may succeed later.
 */
export interface TopicStore {
  /** Stores a new model version and what it did to the previous one's topics. */
  saveModel(model: StoredTopicModel, lineage: readonly TopicLineageEvent[]): Promise<void>;
  /** The project's latest model (highest version), or null before its first fit. */
  latestModel(projectId: string): Promise<StoredTopicModel | null>;
  /** Lineage events of the project, newest version first. */
  lineage(projectId: string, limit: number): Promise<(TopicLineageEvent & { version: number })[]>;
  /** Stores assignments; one of a (project, span, field) already stored is replaced. */
  assign(assignments: readonly TopicAssignment[]): Promise<void>;
  /** Activity per topic in the window, bucketed by `bucketSeconds`. */
  activity(projectId: string, window: TopicWindow, bucketSeconds: number): Promise<TopicActivityReport>;
  /**
   * Assignments of the window, optionally of one topic or only the novel ones: newest first, or (novel ones) the
   * farthest from every topic first.
   */
  assignments(
    projectId: string,
    window: TopicWindow,
    filter: { topicId?: string; novel?: boolean; limit: number },
  ): Promise<TopicAssignment[]>;
  /** The topic of each trace's first request that is assigned and not novel; traces without one are absent. */
  topicsOfTraces(projectId: string, traceIds: readonly string[]): Promise<Map<string, string>>;
  /** Calls of one topic in the window per LLM model and per release. */
  breakdown(
    projectId: string,
    topicId: string,
    window: TopicWindow,
  ): Promise<{ models: { key: string; calls: number }[]; releases: { key: string; calls: number }[] }>;
  /**
   * Messages of stored LLM calls by span id (from the spans; `timeMs` is the call's start, to read only its day),
   * for terms, examples and hover texts. A span not found is absent.
   */
  callMessages(
    projectId: string,
    spans: readonly { spanId: string; timeMs: number }[],
  ): Promise<Map<string, StoredCallMessages>>;
  /**
   * Takes the project's fitting lease for `leaseMs` unless another claimant holds a live one: true when this
   * claimant holds it now. Several processes running the job then fit a project one at a time.
   */
  claimFit(projectId: string, claimant: string, leaseMs: number): Promise<boolean>;
}
