/** Answers worth sending again: the server was saturated, restarting or timed out; anything else 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110). Null when absent or unreadable. Capped so
 * a wrong header cannot park the queue for hours.
 */
export function retryAfterMs(header: string | null, now: number, capMs: number): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, capMs);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now), capMs);
}

/**
 * Exponential backoff with jitter for attempt n (1 = the wait after the first failure): half the step fixed, half
 * random, so many clients failing together do not come back together.
 */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
