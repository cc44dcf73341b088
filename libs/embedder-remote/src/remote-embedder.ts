import type { Deadline, Embedder, EmbeddingBatch } from '@driftwatch/contracts';
import { msLeft, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { l2Normalize } from '@driftwatch/embedding';
import type { RemoteEmbedderOptions, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from './wire.js';
import { backoffMs, decodeEmbedding, embeddingsResponseSchema, errorMessage, retryAfterMs } from './wire.js';

/** Any OpenAI-compatible POST /v1/embeddings endpoint (OpenAI, Azure-style proxies, vLLM, Ollama, LiteLLM...). */
export class RemoteEmbedder implements Embedder {
  readonly modelId: string;
  readonly dimensions: number;
  private readonly options: ResolvedOptions;
  /** The URL as it may appear in messages: no query string, where some gateways put keys. */
  private readonly shownUrl: string;
  private started = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();

  constructor(options: RemoteEmbedderOptions) {
    this.options = resolveOptions(options);
    this.modelId = options.model;
    this.dimensions = options.dimensions;
    const url = new URL(this.options.url);
    this.shownUrl = `${url.origin}${url.pathname}`;
  }

  async start(): Promise<void> {
    this.started = true;
  }

  isReady(): boolean {
    return this.started && !this.stopped;
  }

  async shutdown(deadline: Deadline): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((r) => (timer = setTimeout(r, msLeft(deadline))));
    await Promise.race([Promise.allSettled([...this.inFlight]), expired]);
    clearTimeout(timer);
    this.abort.abort(new UnavailableError('the remote embedder is shutting down'));
  }

  embed(texts: readonly string[]): Promise<EmbeddingBatch> {
    if (!this.isReady()) return Promise.reject(new UnavailableError('the remote embedder is not running'));
    const run = this.embedAll(texts);
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async embedAll(texts: readonly string[]): Promise<EmbeddingBatch> {
    const { maxChars, batchSize } = this.options;
    const inputs: string[] = [];
    const truncated: number[] = [];
    texts.forEach((text, i) => {
      if (typeof text !== 'string' || text.trim() === '')
        throw new PermanentError(`input ${i} is empty or whitespace only; nothing to embed`);
      if (text.length <= maxChars) return inputs.push(text);
      truncated.push(i);
      // Never split a surrogate pair: the endpoint would see an invalid character.
      const end = /[\uD800-\uDBFF]/.test(text[maxChars - 1]!) ? maxChars - 1 : maxChars;
      inputs.push(text.slice(0, end));
    });
    const vectors: Float32Array[] = [];
    for (let start = 0; start < inputs.length; start += batchSize) {
      vectors.push(...(await this.request(inputs.slice(start, start + batchSize))));
    }
    return { vectors, truncated };
  }

  /** One batch, retried: network errors, timeouts, 408, 429 and 5xx are retried; other 4xx are permanent. */
  private async request(input: string[]): Promise<Float32Array[]> {
    const { maxAttempts, backoff, random, maxRetryAfterMs, onRetry } = this.options;
    const body: EmbeddingsRequest = { input, model: this.options.model, encoding_format: 'float' };
    let lastReason = '';
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(JSON.stringify(body));
      if ('vectors' in outcome) return this.toVectors(outcome.vectors, input.length);
      lastReason = outcome.reason;
      if (attempt >= maxAttempts) break;
      let delayMs = backoffMs(attempt, backoff.initialMs, backoff.maxMs, random);
      if (outcome.status === 429 && outcome.retryAfterMs !== null) {
        if (outcome.retryAfterMs > maxRetryAfterMs) {
          throw new RetryableError(
            `${this.shownUrl} asks to wait ${outcome.retryAfterMs} ms (429); not waiting`,
          );
        }
        delayMs = outcome.retryAfterMs;
      }
      onRetry?.({ attempt, delayMs, status: outcome.status, reason: outcome.reason });
      await this.sleep(delayMs);
    }
    throw new RetryableError(`${this.shownUrl} failed ${maxAttempts} times; last: ${lastReason}`);
  }

  private async attempt(
    body: string,
  ): Promise<
    { vectors: EmbeddingsResponse } | { status: number; reason: string; retryAfterMs: number | null }
  > {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    let response: Response;
    let text: string;
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.requestTimeoutMs)]);
      response = await fetch(this.options.url, { method: 'POST', headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (this.abort.signal.aborted)
        throw new UnavailableError('the remote embedder stopped', { cause: error });
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      const reason = timedOut
        ? `no response within ${this.options.requestTimeoutMs} ms`
        : networkReason(error);
      return { status: 0, reason, retryAfterMs: null };
    }
    const { status } = response;
    if (response.ok) {
      let parsed: ReturnType<typeof embeddingsResponseSchema.safeParse>;
      try {
        parsed = embeddingsResponseSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = embeddingsResponseSchema.safeParse(undefined);
      }
      if (parsed.success) return { vectors: parsed.data };
      throw new PermanentError(
        `${this.shownUrl} answered ${status} with something that is not an embeddings list`,
      );
    }
    const reason = `${status}: ${errorMessage(text)}`;
    if (status === 408 || status === 429 || status >= 500) {
      return { status, reason, retryAfterMs: retryAfterMs(response.headers) };
    }
    throw new PermanentError(`${this.shownUrl} refused the request (${reason})`);
  }

  private toVectors(response: EmbeddingsResponse, count: number): Float32Array[] {
    const out = new Array<Float32Array | undefined>(count);
    if (response.data.length !== count) {
      throw new PermanentError(
        `${this.shownUrl} returned ${response.data.length} embeddings for ${count} inputs`,
      );
    }
    for (const item of response.data) {
      const values = decodeEmbedding(item.embedding);
      if (values.length !== this.dimensions) {
        throw new PermanentError(
          `${this.options.model} returned ${values.length} dimensions; configured ${this.dimensions}`,
        );
      }
      const vector = l2Normalize(values);
      if (!vector) throw new PermanentError(`${this.options.model} returned a zero or non-finite vector`);
      if (item.index >= count || out[item.index]) {
        throw new PermanentError(`${this.shownUrl} returned a bad or repeated index ${item.index}`);
      }
      out[item.index] = vector;
    }
    return out as Float32Array[];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new UnavailableError('the remote embedder stopped while waiting to retry'));
      };
      const timer = setTimeout(() => {
        this.abort.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? `network error: ${cause.message}` : 'network error';
}
