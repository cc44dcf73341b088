/** Messages between ChildProcessEmbedder and its child (embedder-child.ts), over Node's IPC channel. */

export interface ChildStartOptions {
  modelDir: string;
  threads?: number;
  batchSize?: number;
}

export type ToChild =
  { type: 'start'; options: ChildStartOptions } | { type: 'embed'; id: number; texts: readonly string[] };

/** `retryable` mirrors the error class the LocalEmbedder threw, so the parent rethrows the same kind. */
export type FromChild =
  | { type: 'started' }
  | { type: 'start-failed'; retryable: boolean; message: string }
  | { type: 'embedded'; id: number; vectors: Float32Array[]; truncated: number[] }
  | { type: 'embed-failed'; id: number; retryable: boolean; message: string };
