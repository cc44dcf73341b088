import { embedderContract } from '@driftwatch/contract-tests';
import { deadlineIn, PermanentError, RetryableError, UnavailableError } from '@driftwatch/contracts';
import { l2Normalize } from '@driftwatch/embedding';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteEmbedderOptions, RetryEvent } from './options.js';
import { RemoteEmbedder } from './remote-embedder.js';
import { closedPort, type FakeEmbeddingsServer, openAiError, startFakeEmbeddings } from './test-support.js';

const DIMS = 16;
const KEY = 'sk-test-very-secret-key';
let fake: FakeEmbeddingsServer;
beforeAll(async () => (fake = await startFakeEmbeddings(DIMS)));
afterAll(async () => fake.close());

embedderContract('remote (OpenAI-compatible, local fake)', { semantic: false }, async () => {
  return new RemoteEmbedder({ url: fake.baseUrl, model: 'fake-embed', dimensions: DIMS });
});

describe('RemoteEmbedder against the wire format', () => {
  const retries: RetryEvent[] = [];
  const embedders: RemoteEmbedder[] = [];
  const make = async (options: Partial<RemoteEmbedderOptions> = {}) => {
    const embedder = new RemoteEmbedder({
      url: fake.baseUrl,
      model: 'text-embedding-3-small',
      apiKey: KEY,
      dimensions: DIMS,
      backoff: { initialMs: 5, maxMs: 20 },
      onRetry: (event) => retries.push(event),
      ...options,
    });
    embedders.push(embedder);
    await embedder.start();
    return embedder;
  };
  beforeEach(async () => {
    for (const e of embedders.splice(0)) await e.shutdown(deadlineIn(1000));
    fake.requests.length = 0;
    fake.script.length = 0;
    retries.length = 0;
  });

  it('posts {input, model, encoding_format} with the bearer key and returns normalized vectors in order', async () => {
    const embedder = await make({ url: `${fake.baseUrl}/embeddings` });
    const { vectors } = await embedder.embed(['alpha', 'beta']);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body).toEqual({
      input: ['alpha', 'beta'],
      model: 'text-embedding-3-small',
      encoding_format: 'float',
    });
    expect(fake.requests[0]!.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(Array.from(vectors[0]!)).toEqual(Array.from(l2Normalize(fake.vectorFor('alpha'))!));
    expect(Array.from(vectors[1]!)).toEqual(Array.from(l2Normalize(fake.vectorFor('beta'))!));
  });

  it('splits large calls into requests of at most batchSize inputs, keeping the order', async () => {
    const embedder = await make({ batchSize: 64 });
    const texts = Array.from({ length: 150 }, (_, i) => `text ${i}`);
    const { vectors } = await embedder.embed(texts);
    expect(fake.requests.map((r) => r.body.input.length)).toEqual([64, 64, 22]);
    expect(fake.requests[2]!.body.input[0]).toBe('text 128');
    expect(Array.from(vectors[149]!)).toEqual(Array.from(l2Normalize(fake.vectorFor('text 149'))!));
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.script.push({
      status: 429,
      headers: { 'retry-after': '1' },
      body: openAiError('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
    });
    const embedder = await make();
    const { vectors } = await embedder.embed(['after the limit']);
    expect(vectors).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 1000, status: 429, reason: '429: Rate limit reached for requests' },
    ]);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    fake.script.push({ status: 500, body: openAiError('The server had an error', 'server_error') });
    const embedder = await make();
    await embedder.embed(['one']);
    expect(fake.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, status: 500 });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(2.5);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(5);
  });

  it("fails a 400 at once as permanent, with OpenAI's error message", async () => {
    fake.script.push({
      status: 400,
      body: openAiError("This model's maximum context length is 8192 tokens", 'invalid_request_error'),
    });
    const embedder = await make();
    const failed = embedder.embed(['too long']);
    await expect(failed).rejects.toBeInstanceOf(PermanentError);
    await expect(failed).rejects.toThrow(/400: This model's maximum context length is 8192 tokens/);
    expect(fake.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('gives up after maxAttempts as retryable; 429 asking for too long a wait fails at once', async () => {
    for (let i = 0; i < 3; i++) fake.script.push({ status: 503, body: 'upstream unavailable' });
    const embedder = await make({ maxAttempts: 3 });
    const failed = embedder.embed(['x']);
    await expect(failed).rejects.toBeInstanceOf(RetryableError);
    await expect(failed).rejects.toThrow(/failed 3 times; last: 503: upstream unavailable/);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);

    fake.script.push({ status: 429, headers: { 'retry-after': '3600' }, body: openAiError('quota') });
    await expect(embedder.embed(['y'])).rejects.toThrow(/asks to wait 3600000 ms/);
    expect(fake.requests).toHaveLength(4);
  });

  it('checks the dimensions and the count of vectors', async () => {
    const embedder = await make({ dimensions: DIMS + 1 });
    await expect(embedder.embed(['x'])).rejects.toThrow(/returned 16 dimensions; configured 17/);
    const other = await make();
    fake.script.push({ status: 200, body: { object: 'list', data: [], model: 'm' } });
    await expect(other.embed(['x'])).rejects.toThrow(/returned 0 embeddings for 1 inputs/);
  });

  it('treats an unreachable endpoint as retryable and never shows the key or the query string', async () => {
    const messages: string[] = [];
    const port = await closedPort();
    const embedder = await make({ url: `http://127.0.0.1:${port}/v1?api_key=query-secret`, maxAttempts: 2 });
    const failed = await embedder.embed(['x']).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(RetryableError);
    messages.push((failed as Error).message);
    fake.script.push({ status: 401, body: openAiError('Incorrect API key provided: sk-test-***-key') });
    const refused = await make();
    await refused.embed(['x']).catch((error: Error) => messages.push(error.message));
    expect(messages[0]).toBe(
      `http://127.0.0.1:${port}/v1/embeddings failed 2 times; last: network error: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(messages.at(-1)).toMatch(/refused the request \(401: Incorrect API key/);
    const shown = JSON.stringify([messages, retries]);
    expect(shown).not.toContain(KEY);
    expect(shown).not.toContain('query-secret');
  });

  it('times out a request that gets no answer and retries it', async () => {
    fake.script.push({ status: 0, body: null, hang: true });
    const embedder = await make({ requestTimeoutMs: 200 });
    const { vectors } = await embedder.embed(['slow']);
    expect(vectors).toHaveLength(1);
    expect(retries).toEqual([
      { attempt: 1, delayMs: expect.any(Number), status: 0, reason: 'no response within 200 ms' },
    ]);
  });

  it('stops waiting to retry when shut down past the deadline, failing the call as unavailable', async () => {
    fake.script.push({ status: 503, body: 'down' });
    const embedder = await make({ backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const pending = embedder.embed(['x']);
    while (retries.length === 0) await new Promise((r) => setTimeout(r, 10));
    await embedder.shutdown(deadlineIn(50));
    await expect(pending).rejects.toBeInstanceOf(UnavailableError);
  });

  it('reads base64 embeddings from servers that answer in that encoding', async () => {
    const raw = new Float32Array(DIMS).fill(0.5);
    const b64 = Buffer.from(raw.buffer).toString('base64');
    fake.script.push({ status: 200, body: { object: 'list', data: [{ index: 0, embedding: b64 }] } });
    const embedder = await make();
    const { vectors } = await embedder.embed(['x']);
    expect(vectors[0]![3]).toBeCloseTo(0.25, 6);
  });
});
