import type { FeedbackSettings, TraceListQuery } from '@driftwatch/contracts';
import { buildTraceListQuery, sortValueOf, type TraceRow } from './trace-list-query.js';

type RunQuery = <T>(sql: string, params: Record<string, unknown>) => Promise<T[]>;

/** Candidates picked by their bound, per row of the page. */
const CANDIDATES_PER_ROW = 4;
/** Bounds and exact sums add the same floats in different orders: a margin keeps the comparison safe. */
const RELATIVE_MARGIN = 1e-9;

/**
 * The first page of the costliest (or most tokens) first traces list, without deduplicating every trace's calls:
 * the candidates are the traces with the largest upper bound of the sort value (a sum per trace, half the CPU),
 * then their exact figures are computed. Exact when the page's last value exceeds the bound of every trace left
 * out (each trace's value is at most its bound, and those bounds are at most the smallest candidate's);
 * otherwise, and on later pages or ascending, the whole-range query. Null when this path does not apply.
 */
export async function costliestFirstRows(
  run: RunQuery,
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
): Promise<TraceRow[] | null> {
  if (query.order !== 'desc' || query.cursor) return null;
  if (query.sort !== 'costUsd' && query.sort !== 'totalTokens') return null;
  const wanted = query.limit + 1;
  const candidates = wanted * CANDIDATES_PER_ROW;
  const { sql, params } = buildTraceListQuery(database, projectId, query, feedback, {
    bound: { candidates },
  });
  const rows = await run<TraceRow>(sql, params);
  // Fewer than asked: every trace the filters match is a candidate.
  if (rows.length < candidates) return rows.slice(0, wanted);
  const leftOut = Math.min(...rows.map((r) => Number(r.usage_bound)));
  const last = Number(sortValueOf(query.sort, rows[wanted - 1]!));
  return last > leftOut + Math.abs(leftOut) * RELATIVE_MARGIN ? rows.slice(0, wanted) : null;
}
