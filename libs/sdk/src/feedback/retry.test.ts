import { describe, expect, it } from 'vitest';
import { backoffMs, isRetryableStatus, retryAfterMs } from './retry.js';

describe('retry policy', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterMs('3', now, 60_000)).toBe(3000);
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:10 GMT', now, 60_000)).toBe(10_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now, 60_000)).toBe(0);
    expect(retryAfterMs('3600', now, 60_000)).toBe(60_000);
    expect(retryAfterMs('soon', now, 60_000)).toBeNull();
    expect(retryAfterMs(null, now, 60_000)).toBeNull();
  });

  it('doubles the backoff step per attempt up to the cap, with up to half of it random', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, 500, 4000, () => 0))).toEqual([
      250, 500, 1000, 2000, 2000,
    ]);
    expect([1, 2, 3].map((n) => backoffMs(n, 500, 4000, () => 0.999999))).toEqual([500, 1000, 2000]);
  });
});
