import type { NextStep, SendOutcome } from '@driftwatch/contracts';

export interface RetryPolicy {
  /** Delay before the second try; it doubles with each try. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A notification still not delivered this long after it was recorded is marked failed. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  giveUpAfterMs: 24 * 60 * 60_000,
};

/**
 * What follows a try: exponential backoff with jitter (half fixed, half random, so a burst of failures spreads
 * out), never sooner than the receiver's Retry-After, and failed once the next try would fall past the period.
 */
export function nextStep(
  outcome: SendOutcome,
  attempt: number,
  createdAtMs: number,
  nowMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): NextStep {
  if (outcome.status === 'delivered') return { state: 'sent' };
  if (outcome.status === 'permanent') return { state: 'failed' };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt - 1, 40));
  const backoff = ceiling / 2 + random() * (ceiling / 2);
  const delay = Math.max(backoff, outcome.retryAfterMs ?? 0);
  const dueAt = Math.round(nowMs + delay);
  if (dueAt - createdAtMs > policy.giveUpAfterMs) return { state: 'failed' };
  return { state: 'retry', dueAt };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
