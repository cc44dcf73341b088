import { z } from 'zod';

/**
 * The instants ClickHouse can hold in the spans table (DateTime64(9): nanoseconds in an Int64), as epoch
 * milliseconds; anything outside is refused here rather than overflowing in SQL.
 */
export const MIN_INSTANT_MS = 0;
export const MAX_INSTANT_MS = 9_223_372_036_854;

/** A point in time as ISO 8601 or epoch milliseconds; parsed to epoch milliseconds. */
export const instant = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time or epoch milliseconds' });
    return z.NEVER;
  }
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `must be between ${new Date(MIN_INSTANT_MS).toISOString()} and ${new Date(MAX_INSTANT_MS).toISOString()} (epoch ms ${MIN_INSTANT_MS}..${MAX_INSTANT_MS})`,
    });
    return z.NEVER;
  }
  return ms;
});

const DAY_MS = 86_400_000;

/** from/to with defaults (the last 24 hours) and a sanity check. */
export function withTimeRange<T extends { from?: number | undefined; to?: number | undefined }>(
  value: T,
  ctx: z.RefinementCtx,
): Omit<T, 'from' | 'to'> & { fromMs: number; toMs: number } {
  const toMs = value.to ?? Date.now();
  const fromMs = value.from ?? Math.max(MIN_INSTANT_MS, toMs - DAY_MS);
  if (fromMs >= toMs) ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must be before `to`' });
  const { from: _from, to: _to, ...rest } = value;
  return { ...rest, fromMs, toMs };
}
