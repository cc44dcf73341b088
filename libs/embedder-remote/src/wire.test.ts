import { describe, expect, it } from 'vitest';
import { remoteEmbedderOptionsFromEnv } from './options.js';
import { backoffMs, errorMessage, retryAfterMs } from './wire.js';

describe('retryAfterMs', () => {
  it('reads retry-after-ms, retry-after in seconds and as an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    const now = Date.parse('2026-11-30T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Mon, 30 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(new Headers())).toBeNull();
  });
});

describe('backoffMs', () => {
  it('doubles per attempt up to the cap, jittered between half and all of the step', () => {
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 100, 500, () => 0))).toEqual([50, 100, 200, 250]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, 100, 500, () => 0.999999))).toEqual([
      expect.closeTo(100, 3),
      expect.closeTo(200, 3),
      expect.closeTo(400, 3),
      expect.closeTo(500, 3),
    ]);
  });
});

describe('errorMessage', () => {
  it("reads OpenAI's error format, and falls back to the start of any other body", () => {
    expect(errorMessage('{"error":{"message":"Invalid input","type":"invalid_request_error"}}')).toBe(
      'Invalid input',
    );
    expect(errorMessage('<html>\n  Bad gateway </html>')).toBe('<html> Bad gateway </html>');
    expect(errorMessage('')).toBe('(empty body)');
  });
});

describe('remoteEmbedderOptionsFromEnv', () => {
  const env = {
    DRIFTWATCH_EMBEDDINGS_URL: 'https://api.example.com/v1',
    DRIFTWATCH_EMBEDDINGS_MODEL: 'text-embedding-3-small',
    DRIFTWATCH_EMBEDDINGS_DIMENSIONS: '1536',
    DRIFTWATCH_EMBEDDINGS_API_KEY: 'sk-secret',
  };
  it('reads URL, model, dimensions, key and batch size', () => {
    expect(remoteEmbedderOptionsFromEnv({ ...env, DRIFTWATCH_EMBEDDINGS_BATCH_SIZE: '32' })).toEqual({
      url: 'https://api.example.com/v1',
      model: 'text-embedding-3-small',
      dimensions: 1536,
      apiKey: 'sk-secret',
      batchSize: 32,
    });
  });
  it('names the variable that is missing or wrong', () => {
    expect(() => remoteEmbedderOptionsFromEnv({ ...env, DRIFTWATCH_EMBEDDINGS_MODEL: ' ' })).toThrow(
      'DRIFTWATCH_EMBEDDINGS_MODEL must be set',
    );
    expect(() => remoteEmbedderOptionsFromEnv({ ...env, DRIFTWATCH_EMBEDDINGS_DIMENSIONS: '1.5' })).toThrow(
      "DRIFTWATCH_EMBEDDINGS_DIMENSIONS must be a positive integer, not '1.5'",
    );
    expect(() =>
      remoteEmbedderOptionsFromEnv({ ...env, DRIFTWATCH_EMBEDDINGS_URL: 'api.example.com' }),
    ).toThrow('must be an http(s) URL');
  });
});
