import type { Deadline } from '@driftwatch/contracts';
import { msLeft } from '@driftwatch/contracts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with onTimeout() after ms; the underlying work goes on (callers account for it themselves). */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Waits until check() is true or the deadline passes; returns whether check() became true. */
export async function waitUntil(check: () => boolean, deadline: Deadline, stepMs = 20): Promise<boolean> {
  while (!check()) {
    const left = msLeft(deadline);
    if (left <= 0) return false;
    await sleep(Math.min(stepMs, left));
  }
  return true;
}

/** Closes gracefully within the deadline, then forcefully; never throws. */
export async function closeWithin(
  close: (force?: boolean) => Promise<void>,
  deadline: Deadline,
): Promise<void> {
  try {
    await withTimeout(close(false), Math.max(1, msLeft(deadline)), () => new Error('close timed out'));
  } catch {
    await close(true).catch(() => undefined);
  }
}

export function backoff(attempt: number, delay: { initial: number; max: number }): number {
  return Math.min(delay.max, delay.initial * 2 ** Math.max(0, attempt - 1));
}
