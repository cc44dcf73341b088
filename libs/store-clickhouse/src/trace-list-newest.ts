import type { FeedbackSettings, TraceListQuery } from '@driftwatch/contracts';
import { decodeCursor } from './cursor.js';
import {
  buildTraceListQuery,
  userSessionTraces,
  type TraceListPlan,
  type TraceRow,
} from './trace-list-query.js';

const HOUR_MS = 3_600_000;
/** Candidates beyond the page: a few traces begun before the window may rank among them and be dropped. */
const SLACK = 16;
const FIRST_WINDOW_HOURS = 2;

type RunQuery = <T>(sql: string, params: Record<string, unknown>) => Promise<T[]>;

/**
 * The newest-first traces list (sort by start time, descending) read from the newest hours of the range first,
 * widening the window until it holds a page: the same rows as the query over the whole range, for a fraction of
 * the reading (the last 24 h at 10M spans reads ~2 of its 24 hours' summary rows).
 *
 * Why it is exact: a trace whose summary rows all lie in the window's hours [H, end) ("whole in the window") has
 * the same figures, filters and start time whether the window or the whole range is read, and its start is >= H;
 * every other trace of the range has a row before H, so its start is < H. The whole traces therefore come first in
 * the list, in the window's order. The window query takes the top candidates by the window's figures, the second
 * step recomputes their figures over the whole range, and a candidate whose start (over the whole range) is >= H
 * is whole. With at least a page of those, the page is theirs; otherwise the window widens, and the widest
 * window is the whole range (the plain query).
 */
export async function newestFirstRows(
  run: RunQuery,
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
): Promise<TraceRow[]> {
  const wanted = query.limit + 1;
  const rangeStart = Math.floor(query.fromMs / HOUR_MS) * HOUR_MS;
  // The newest hour a page can start in: the range's last hour, or the cursor's hour on later pages.
  const topMs = query.cursor ? Math.min(cursorMs(query.cursor), query.toMs) : query.toMs;
  const anchor = Math.floor(topMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const byUser = Boolean(query.userId || query.sessionId);
  let hours = byUser
    ? await hoursHolding(run, database, projectId, query, anchor, wanted + SLACK)
    : FIRST_WINDOW_HOURS;
  for (;;) {
    const windowFrom = anchor - hours * HOUR_MS;
    if (windowFrom <= rangeStart) break;
    const candidates = wanted + SLACK;
    // A user's or session's traces are few: all of those with a span of it in the window, in one step.
    const plan: TraceListPlan = byUser
      ? { oneStep: true, userFromMs: windowFrom, candidates }
      : { window: { fromMs: windowFrom, candidates } };
    const { sql, params } = buildTraceListQuery(database, projectId, query, feedback, plan);
    const rows = await run<TraceRow>(sql, params);
    const fromNs = BigInt(windowFrom) * 1_000_000n;
    const whole = rows.filter((row) => BigInt(row.start_ns) >= fromNs);
    if (whole.length >= wanted) return whole.slice(0, wanted);
    // Widen in proportion to what this window held (at least double), so a sparse filter needs few rounds.
    const rate = whole.length / hours;
    hours = Math.max(hours * 2, rate > 0 ? Math.ceil((1.5 * wanted) / rate) : hours * 8);
  }
  const { sql, params } = buildTraceListQuery(
    database,
    projectId,
    query,
    feedback,
    byUser ? { oneStep: true } : undefined,
  );
  return run<TraceRow>(sql, params);
}

/**
 * With a user or session filter: how many hours back from the anchor hold `count` of its traces (by their first
 * hour with the value, from trace_values), so the first window is the right one; all of them when fewer.
 */
async function hoursHolding(
  run: RunQuery,
  database: string,
  projectId: string,
  query: TraceListQuery,
  anchor: number,
  count: number,
): Promise<number> {
  const params: Record<string, unknown> = {
    projectId,
    fromMs: Math.floor(query.fromMs),
    toMs: Math.ceil(query.toMs),
    anchorMs: anchor,
  };
  const traces = userSessionTraces(database, query, params);
  const perHour = await run<{ hour_ms: string; n: string }>(
    `SELECT toUnixTimestamp(first_hour) * 1000 AS hour_ms, count() AS n FROM (${traces})
     WHERE first_hour < fromUnixTimestamp64Milli({anchorMs:Int64}, 'UTC')
     GROUP BY first_hour ORDER BY first_hour DESC`,
    params,
  );
  let seen = 0;
  for (const { hour_ms, n } of perHour) {
    seen += Number(n);
    if (seen >= count) return Math.max(1, (anchor - Number(hour_ms)) / HOUR_MS);
  }
  return Number.POSITIVE_INFINITY;
}

/** The cursor's start time in ms (its value is the last item's start in ns, validated by the query builder). */
function cursorMs(cursor: string): number {
  const { value } = decodeCursor(cursor);
  return /^-?\d{1,19}$/.test(value) ? Number(BigInt(value) / 1_000_000n) : Number.POSITIVE_INFINITY;
}
