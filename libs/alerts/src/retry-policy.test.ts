import type { SendOutcome } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { nextStep, parseRetryAfter, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000, giveUpAfterMs: 3_600_000 };
const retryable: SendOutcome = { status: 'retryable', latencyMs: 5, error: 'HTTP 500' };
const T0 = 1_800_000_000_000;

describe('nextStep', () => {
  it('is done after a delivery or a permanent failure', () => {
    expect(nextStep({ status: 'delivered', statusCode: 200, latencyMs: 1 }, 1, T0, T0, policy)).toEqual({
      state: 'sent',
    });
    expect(
      nextStep({ status: 'permanent', statusCode: 404, latencyMs: 1, error: 'x' }, 1, T0, T0, policy),
    ).toEqual({ state: 'failed' });
  });

  it('backs off exponentially between half and all of the ceiling, up to the maximum', () => {
    const delay = (attempt: number, r: number) => {
      const step = nextStep(retryable, attempt, T0, T0, policy, () => r);
      return step.state === 'retry' ? step.dueAt - T0 : null;
    };
    expect([delay(1, 0), delay(1, 1)]).toEqual([500, 1_000]);
    expect([delay(2, 0), delay(2, 1)]).toEqual([1_000, 2_000]);
    expect([delay(4, 0), delay(4, 1)]).toEqual([4_000, 8_000]);
    expect([delay(30, 0), delay(30, 1)]).toEqual([30_000, 60_000]);
    expect(delay(1000, 1)).toBe(60_000);
  });

  it('waits at least as long as Retry-After asks', () => {
    const step = nextStep({ ...retryable, retryAfterMs: 30_000 }, 1, T0, T0, policy, () => 0.5);
    expect(step).toEqual({ state: 'retry', dueAt: T0 + 30_000 });
  });

  it('gives up once the next try would fall past the retry period', () => {
    const late = T0 + policy.giveUpAfterMs - 100;
    expect(nextStep(retryable, 3, T0, late, policy, () => 0.5).state).toBe('failed');
    expect(nextStep({ ...retryable, retryAfterMs: 2 * 3_600_000 }, 1, T0, T0, policy).state).toBe('failed');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('7', T0)).toBe(7_000);
    expect(parseRetryAfter(new Date(T0 + 12_000).toUTCString(), T0)).toBe(12_000);
    expect(parseRetryAfter(new Date(T0 - 12_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfter('soon', T0)).toBeUndefined();
    expect(parseRetryAfter(undefined, T0)).toBeUndefined();
  });
});
