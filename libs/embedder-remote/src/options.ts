export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  /** HTTP status, or 0 for a network error or timeout. */
  status: number;
  /** What went wrong, without the API key. */
  reason: string;
}

export interface RemoteEmbedderOptions {
  /** The endpoint: `.../v1` (then `/embeddings` is appended) or the full `.../v1/embeddings`. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never logged or put in an error message. */
  apiKey?: string;
  /** What the model returns; a response of other dimensions fails permanently (a misconfigured model). */
  dimensions: number;
  /** Most inputs in one request. Default 64. */
  batchSize?: number;
  /** Texts longer than this many characters are cut (and recorded as truncated). Default 8,000. */
  maxChars?: number;
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** Exponential backoff between attempts, with jitter. Default 250 ms doubling up to 10 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** A 429 asking to wait longer than this fails at once (retryable) instead of holding the caller. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Per request. Default 30 s. */
  requestTimeoutMs?: number;
  onRetry?: (event: RetryEvent) => void;
  /** Source of jitter in [0, 1). Default Math.random. */
  random?: () => number;
}

export type ResolvedOptions = Required<Omit<RemoteEmbedderOptions, 'apiKey' | 'onRetry'>> &
  Pick<RemoteEmbedderOptions, 'apiKey' | 'onRetry'>;

export function resolveOptions(options: RemoteEmbedderOptions): ResolvedOptions {
  if (!Number.isInteger(options.dimensions) || options.dimensions <= 0) {
    throw new Error(`dimensions must be a positive integer, not ${options.dimensions}`);
  }
  const url = new URL(options.url);
  url.pathname = url.pathname.replace(/\/+$/, '');
  if (!url.pathname.endsWith('/embeddings')) url.pathname += '/embeddings';
  return {
    batchSize: 64,
    maxChars: 8_000,
    maxAttempts: 5,
    backoff: { initialMs: 250, maxMs: 10_000 },
    maxRetryAfterMs: 60_000,
    requestTimeoutMs: 30_000,
    random: Math.random,
    ...options,
    url: url.toString(),
  };
}

/**
 * Options from DRIFTWATCH_EMBEDDINGS_URL, _MODEL, _API_KEY, _DIMENSIONS and (optional) _BATCH_SIZE.
 * Throws naming the variable that is missing or wrong (never echoing the key).
 */
export function remoteEmbedderOptionsFromEnv(env: Record<string, string | undefined>): RemoteEmbedderOptions {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`${name} must be set for the remote embedder`);
    return value;
  };
  const positive = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not '${value}'`);
    return n;
  };
  const url = need('DRIFTWATCH_EMBEDDINGS_URL');
  if (!/^https?:\/\//.test(url)) throw new Error('DRIFTWATCH_EMBEDDINGS_URL must be an http(s) URL');
  const options: RemoteEmbedderOptions = {
    url,
    model: need('DRIFTWATCH_EMBEDDINGS_MODEL'),
    dimensions: positive('DRIFTWATCH_EMBEDDINGS_DIMENSIONS', need('DRIFTWATCH_EMBEDDINGS_DIMENSIONS')),
  };
  const key = env['DRIFTWATCH_EMBEDDINGS_API_KEY']?.trim();
  if (key) options.apiKey = key;
  const batch = env['DRIFTWATCH_EMBEDDINGS_BATCH_SIZE']?.trim();
  if (batch) options.batchSize = positive('DRIFTWATCH_EMBEDDINGS_BATCH_SIZE', batch);
  return options;
}
