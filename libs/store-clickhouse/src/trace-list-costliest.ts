import type { FeedbackSettings, TraceListQuery } from '@driftwatch/contracts';
import { buildTraceListQuery, sortValueOf, type TraceRow } from './trace-list-query.js';

type RunQuery = <T>(sql: string, params: Record<string, unknown>) => Promise<T[]>;

/** Candidates picked by their bound, per row of the page. */
const CANDIDATES_PER_ROW = 4;
/**
 * Candidates picked by the written bounds beyond the page (a quarter more, at least 16): those bounds are exact
 * but for calls retried or wrappers written apart from their child, so a few spare ones prove most pages; each
 * candidate costs a granule of the summary to read (up to 8,192 rows).
 */
const WRITTEN_BOUND_SPARE = { share: 0.25, min: 16 };
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
  if (unfiltered(query)) {
    const rows = await costliestByWrittenBounds(run, database, projectId, query, feedback);
    if (rows) return rows;
  }
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

/** Lists without filters: the written bounds are per trace of the range, whatever it matches. */
function unfiltered(q: TraceListQuery): boolean {
  return (
    !q.model &&
    !q.provider &&
    !q.status &&
    q.minDurationMs === undefined &&
    !q.userId &&
    !q.sessionId &&
    !q.search &&
    q.topicId === undefined &&
    !q.feedback
  );
}

/**
 * The first page of an unfiltered list from the bounds written with each trace_summary row (migration 022):
 * the trace id hashes with the largest sum of their rows' bounds in the range (two numbers per row grouped by a
 * UInt64; no call arrays read, no string ids grouped), then the exact rows of the traces with those hashes.
 * Exact when the page's last value exceeds the bound of every hash left out: a trace's value is at most the sum
 * of its rows' bounds, which is at most its hash's (traces sharing a hash add up). Null otherwise.
 */
export async function costliestByWrittenBounds(
  run: RunQuery,
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
): Promise<TraceRow[] | null> {
  const wanted = query.limit + 1;
  const candidates =
    wanted + Math.max(WRITTEN_BOUND_SPARE.min, Math.ceil(wanted * WRITTEN_BOUND_SPARE.share));
  const column = query.sort === 'costUsd' ? 'cost_bound' : 'tokens_bound';
  const bounds = await run<{ trace_hash: string; bound: number | string }>(
    `SELECT trace_hash, sum(${column}) AS bound
    FROM ${database}.trace_summary
    WHERE project_id = {projectId:String}
      AND hour >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}), 'UTC')
      AND hour < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
    GROUP BY trace_hash
    ORDER BY bound DESC, trace_hash DESC
    LIMIT {candidates:UInt32}`,
    { projectId, fromMs: Math.floor(query.fromMs), toMs: Math.ceil(query.toMs), candidates },
  );
  const { sql, params } = buildTraceListQuery(database, projectId, query, feedback, {
    traceHashes: bounds.map((b) => BigInt(b.trace_hash)),
  });
  const rows = bounds.length > 0 ? await run<TraceRow>(sql, params) : [];
  // Fewer hashes than asked: every trace of the range is a candidate.
  if (bounds.length < candidates) return rows;
  if (rows.length < wanted) return null;
  const last = sortValueOf(query.sort, rows[wanted - 1]!);
  const leftOut = bounds[bounds.length - 1]!.bound;
  if (query.sort === 'totalTokens') return BigInt(last) > BigInt(leftOut) ? rows : null;
  const bound = Number(leftOut);
  return Number(last) > bound + Math.abs(bound) * RELATIVE_MARGIN ? rows : null;
}
