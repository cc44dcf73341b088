import type { Lifecycle } from './lifecycle.js';

/** Which side of an LLM call a vector stands for: the user's request or the model's response. */
export type VectorField = 'request' | 'response';

/** One embedded text of one LLM call, with what filters and groupings need. */
export interface VectorEntry {
  projectId: string;
  traceId: string;
  spanId: string;
  field: VectorField;
  /** When the call started, ms since epoch. */
  timeMs: number;
  /** The LLM model that served the call (not the embedding model). */
  model: string;
  release: string;
  /** Assigned by topic fitting; null until then. */
  topicId: string | null;
  /** Unit length, of the index's dimensions. */
  vector: Float32Array;
}

/** What a search or a sample is restricted to; the project is always required. Times are [fromMs, toMs). */
export interface VectorFilter {
  projectId: string;
  fromMs?: number;
  toMs?: number;
  model?: string;
  release?: string;
  field?: VectorField;
  topicId?: string;
}

export type VectorMetadata = Omit<VectorEntry, 'vector'>;

export interface VectorMatch extends VectorMetadata {
  /** Cosine distance (1 - cosine similarity), 0 for the same direction. */
  distance: number;
}

export interface VectorSampleRequest extends VectorFilter {
  fromMs: number;
  toMs: number;
  /** At most this many entries (and never more than the adapter's maxSampleSize). */
  limit: number;
  /**
   * A whole number from 0 to 2^32 - 1. With a seed the sample is a function of the stored entries and the seed:
   * asked again over the same data, the same entries (so a re-run of a detection window reads the same vectors);
   * still a uniform spread over the window. Without one, each call draws a new random sample.
   */
  seed?: number;
}

/**
 * Stores embedding vectors per project and finds neighbours. Vectors of one project are never visible to
 * another. upsert() is idempotent on (project, span, field): storing a call again (redelivery, or a topic
 * assigned later) replaces it, never duplicates it. Rejections carry:
 * - UnavailableError (retryable) before start() or after shutdown(),
 * - RetryableError when the engine may succeed later (down, timeout, overloaded),
 * - PermanentError when the input is wrong (vector of the wrong dimensions, non-finite values, k or a limit
 *   out of range, an empty project id); retrying the same call cannot help.
 */
export interface VectorIndex extends Lifecycle {
  readonly dimensions: number;
  /** Largest sample() answer, whatever the request asks. */
  readonly maxSampleSize: number;
  upsert(entries: readonly VectorEntry[]): Promise<void>;
  /** Up to k entries closest to `vector` (k from 1 to 1000), nearest first, each once. */
  nearest(vector: Float32Array, k: number, filter: VectorFilter): Promise<VectorMatch[]>;
  /** A uniform random sample of the entries in a time window (fitting topics, drift tests), with vectors. */
  sample(request: VectorSampleRequest): Promise<VectorEntry[]>;
  /** The time (ms) of the newest entry matching the filter, null when none does (data imported with past times). */
  latestTimeMs(filter: VectorFilter): Promise<number | null>;
  /** Retention: removes the project's entries older than `beforeMs`. */
  deleteOlderThan(projectId: string, beforeMs: number): Promise<void>;
  isReady(): Promise<boolean>;
}
