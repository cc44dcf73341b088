import type { GroupListQuery, GroupSortField } from '@driftwatch/contracts';
import { countedUsageCondition } from './counted-usage.js';

/** Sessions group traces by session.id, end users by user.id; both read the same per-trace aggregates. */
export type GroupKey = 'session' | 'user';

/** How many groups a list counts before saying "more than" (bounds the counting query). */
export const GROUP_TOTAL_CAP = 10_000;

const KEY_COLUMN: Record<GroupKey, string> = { session: 'sid', user: 'uid' };

/**
 * One row per trace of the range: its session and user, times, counted usage and cost, and whether it failed.
 * `onlyTraces` narrows it to the traces with one session or user id (the bloom-filter index finds them), while
 * the aggregates still read every span of those traces. Binds projectId, fromMs, toMs (and key when narrowed).
 */
function perTraceSql(database: string, onlyTraces?: GroupKey): string {
  const narrow = onlyTraces
    ? `AND trace_id IN (
        SELECT trace_id FROM ${database}.spans
        WHERE project_id = {projectId:String}
          AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
          AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
          AND ${onlyTraces === 'session' ? 'session_id' : 'user_id'} = {key:String})`
    : '';
  return `
    SELECT
      trace_id,
      anyIf(session_id, session_id != '') AS sid,
      anyIf(user_id, user_id != '') AS uid,
      toUnixTimestamp64Nano(min(start_time)) AS t_start,
      toUnixTimestamp64Nano(max(end_time)) AS t_end,
      countIf(counted) AS calls,
      countIf(counted AND (input_tokens IS NOT NULL OR output_tokens IS NOT NULL)) AS usage_calls,
      sumIf(ifNull(input_tokens, 0), counted) AS in_tok,
      sumIf(ifNull(output_tokens, 0), counted) AS out_tok,
      maxIf(usage_estimated, counted) AS est,
      countIf(counted AND cost_usd IS NOT NULL) AS priced,
      sumIf(ifNull(cost_usd, 0), counted) AS cost,
      countIf(status = 'error') > 0 AS failed
    FROM (
      SELECT *, ${countedUsageCondition(database)} AS counted
      FROM ${database}.spans FINAL
      WHERE project_id = {projectId:String}
        AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
        AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
        ${narrow}
    )
    GROUP BY trace_id`;
}

/** Totals of a group over its traces; the column names GroupRow reads. */
const GROUP_COLUMNS = `
  toString(min(t_start)) AS first_ns,
  toString(max(t_end)) AS last_ns,
  count() AS trace_count,
  countIf(failed) AS error_count,
  sum(calls) AS llm_call_count,
  sum(usage_calls) AS usage_call_count,
  sum(in_tok) AS input_tokens,
  sum(out_tok) AS output_tokens,
  max(est) AS usage_estimated,
  if(sum(priced) = 0, NULL, sum(cost)) AS cost_usd,
  toString(sum(t_end - t_start)) AS duration_ns`;

export interface GroupRow {
  group_key: string;
  first_ns: string;
  last_ns: string;
  trace_count: string;
  error_count: string;
  llm_call_count: string;
  usage_call_count: string;
  input_tokens: string;
  output_tokens: string;
  usage_estimated: number;
  cost_usd: number | null;
  duration_ns: string;
  /** Sessions: up to 5 users; users: distinct sessions. */
  user_ids?: string[];
  session_count?: string;
}

const SORT: Record<GroupSortField, string> = {
  lastSeen: 'max(t_end)',
  firstSeen: 'min(t_start)',
  traceCount: 'count()',
  totalTokens: 'sum(in_tok) + sum(out_tok)',
  costUsd: 'if(sum(priced) = 0, -1, sum(cost))',
  durationMs: 'sum(t_end - t_start)',
  errorCount: 'countIf(failed)',
};

function baseParams(projectId: string, fromMs: number, toMs: number): Record<string, unknown> {
  return { projectId, fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs) };
}

/** A page of sessions or users with their totals, and a capped count of all that match. */
export function buildGroupListQueries(
  database: string,
  projectId: string,
  key: GroupKey,
  query: GroupListQuery,
): { pageSql: string; countSql: string; params: Record<string, unknown> } {
  const params = {
    ...baseParams(projectId, query.fromMs, query.toMs),
    limit: query.limit,
    offset: query.offset,
    cap: GROUP_TOTAL_CAP + 1,
  } as Record<string, unknown>;
  const column = KEY_COLUMN[key];
  const where = [`${column} != ''`];
  if (query.search) {
    params.search = query.search;
    where.push(`positionCaseInsensitiveUTF8(${column}, {search:String}) > 0`);
  }
  // One user's sessions (the user page): only that user's traces are read (found by the user_id index), not
  // every trace of the range; the `uid` condition keeps the meaning of a trace's user unchanged.
  const narrow = query.userId && key === 'session' ? ('user' as const) : undefined;
  if (narrow) {
    params.userId = query.userId;
    params.key = query.userId;
    where.push('uid = {userId:String}');
  }
  const having = query.hasErrors ? 'HAVING countIf(failed) > 0' : '';
  const extra =
    key === 'session'
      ? `, arraySort(groupUniqArrayIf(5)(uid, uid != '')) AS user_ids`
      : `, toString(uniqExactIf(sid, sid != '')) AS session_count`;
  const grouped = `FROM (${perTraceSql(database, narrow)}) WHERE ${where.join(' AND ')} GROUP BY ${column} ${having}`;
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  return {
    pageSql: `SELECT ${column} AS group_key, ${GROUP_COLUMNS} ${extra}
      ${grouped}
      ORDER BY ${SORT[query.sort]} ${direction}, group_key ${direction}
      LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    countSql: `SELECT count() AS n FROM (SELECT ${column} ${grouped} LIMIT {cap:UInt32})`,
    params,
  };
}

/** Totals of one session or user. */
export function buildGroupTotalsQuery(
  database: string,
  projectId: string,
  key: GroupKey,
  id: string,
  fromMs: number,
  toMs: number,
): { sql: string; params: Record<string, unknown> } {
  const column = KEY_COLUMN[key];
  const extra =
    key === 'session'
      ? `, arraySort(groupUniqArrayIf(5)(uid, uid != '')) AS user_ids`
      : `, toString(uniqExactIf(sid, sid != '')) AS session_count`;
  return {
    sql: `SELECT {key:String} AS group_key, ${GROUP_COLUMNS} ${extra}
      FROM (${perTraceSql(database, key)}) WHERE ${column} = {key:String}`,
    params: { ...baseParams(projectId, fromMs, toMs), key: id },
  };
}

export interface TurnRow {
  trace_id: string;
  root_name: string;
  t_start: string;
  t_end: string;
  failed: number;
  models: string[];
  uid: string;
  usage_calls: string;
  in_tok: string;
  out_tok: string;
  priced: string;
  cost: number;
  input_messages: string;
  output_messages: string;
}

/** A page of one session's traces, oldest first, with the last model call's messages of each. */
export function buildSessionTurnsQueries(
  database: string,
  projectId: string,
  sessionId: string,
  query: { fromMs: number; toMs: number; limit: number; offset: number },
): { pageSql: string; countSql: string; params: Record<string, unknown> } {
  const params = {
    ...baseParams(projectId, query.fromMs, query.toMs),
    key: sessionId,
    limit: query.limit,
    offset: query.offset,
  };
  // The per-trace aggregates again, plus the root name, models, the request of the trace's first model call
  // (what the user asked) and the reply of the call that ended last (what they were answered).
  const inner = perTraceSql(database, 'session').replace(
    'trace_id,',
    `trace_id,
      argMin(name, (parent_span_id != '', start_time)) AS root_name,
      arrayFilter(m -> m != '', groupUniqArray(if(is_llm = 1, if(response_model != '', response_model, request_model), ''))) AS models,
      argMinIf(input_messages, start_time, is_llm = 1 AND input_messages NOT IN ('', '[]')) AS input_messages,
      argMaxIf(output_messages, end_time, is_llm = 1 AND output_messages NOT IN ('', '[]')) AS output_messages,`,
  );
  return {
    pageSql: `SELECT trace_id, root_name, toString(t_start) AS t_start, toString(t_end) AS t_end, failed, models, uid,
        toString(usage_calls) AS usage_calls, toString(in_tok) AS in_tok, toString(out_tok) AS out_tok,
        toString(priced) AS priced, cost, input_messages, output_messages
      FROM (${inner}) WHERE sid = {key:String}
      ORDER BY t_start ASC, trace_id ASC
      LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    countSql: `SELECT count() AS n FROM (${perTraceSql(database, 'session')}) WHERE sid = {key:String}`,
    params,
  };
}
