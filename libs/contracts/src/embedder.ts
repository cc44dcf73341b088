import type { Lifecycle } from './lifecycle.js';

/** What one embed() call returns, index for index with its inputs. */
export interface EmbeddingBatch {
  /** One unit-length vector (L2 norm 1) of `dimensions` values per input, in input order. */
  vectors: Float32Array[];
  /** Indexes of the inputs that were cut to the model's window before embedding (the vector covers a prefix). */
  truncated: number[];
}

/**
 * Turns texts into unit vectors with one model. Cosine similarity of two vectors is their dot product.
 * embed() rejects with:
 * - UnavailableError (retryable) before start() or after shutdown(),
 * - RetryableError when the model or the endpoint may succeed later (rate limit, outage, timeout),
 * - PermanentError when the input or the configuration is wrong (an empty or whitespace-only text, an endpoint
 *   that refuses the request, vectors of the wrong dimensions); retrying the same call cannot help.
 * A call fails as a whole: there are no partial results.
 */
export interface Embedder extends Lifecycle {
  /** The model the vectors come from; vectors of different models are never compared. */
  readonly modelId: string;
  readonly dimensions: number;
  /** Any number of texts; the adapter batches them. An empty list resolves to an empty result. */
  embed(texts: readonly string[]): Promise<EmbeddingBatch>;
  isReady(): boolean;
}
