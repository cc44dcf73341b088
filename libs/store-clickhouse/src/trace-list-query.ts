import type { FeedbackSettings, TraceListQuery, TraceSortField } from '@driftwatch/contracts';
import { countedUsageCondition } from './counted-usage.js';
import { decodeCursor, InvalidCursorError } from './cursor.js';
import { perTraceFeedbackSql } from './feedback-sql.js';

/**
 * The traces list's feedback filter: the traces with feedback matching, as a set the span scan is restricted to
 * before grouping (`none` is the complement of `any`). The page's own feedback columns are read afterwards for
 * its traces only (see ClickHouseTraceReader.listTraces): joining every trace of the range cost 2-3x the list.
 */
const FEEDBACK_FILTERS: Record<NonNullable<TraceListQuery['feedback']>, string> = {
  any: 'fb_count > 0',
  none: 'fb_count > 0',
  negative: 'fb_negative = 1',
  positive: 'fb_judged > 0 AND fb_negative = 0',
};

/** Per-trace aggregates over the spans of the range; usage and cost only from counted model calls. */
const TRACE_COLUMNS = `
  trace_id,
  argMin(name, (parent_span_id != '', start_time)) AS root_name,
  toUnixTimestamp64Nano(min(start_time)) AS start_ns,
  toUnixTimestamp64Nano(max(end_time)) AS end_ns,
  (end_ns - start_ns) AS duration_ns_total,
  count() AS span_count,
  countIf(counted) AS llm_call_count,
  arrayFilter(m -> m != '', groupUniqArray(if(is_llm = 1, if(response_model != '', response_model, request_model), ''))) AS models,
  sumIf(ifNull(input_tokens, 0), counted) AS input_tokens_sum,
  sumIf(ifNull(output_tokens, 0), counted) AS output_tokens_sum,
  maxIf(usage_estimated, counted) AS usage_estimated_any,
  if(countIf(counted AND cost_usd IS NOT NULL) = 0, NULL, sumIf(ifNull(cost_usd, 0), counted)) AS cost_usd_sum,
  if(countIf(status = 'error') > 0, 'error', 'ok') AS trace_status,
  anyIf(user_id, user_id != '') AS any_user_id,
  anyIf(session_id, session_id != '') AS any_session_id`;

const SORT_EXPRESSIONS: Record<TraceSortField, { expr: string; type: string }> = {
  startTime: { expr: 'start_ns', type: 'Int64' },
  durationMs: { expr: 'duration_ns_total', type: 'Int64' },
  costUsd: { expr: 'ifNull(cost_usd_sum, -1)', type: 'Float64' },
  totalTokens: { expr: '(input_tokens_sum + output_tokens_sum)', type: 'Int64' },
};

/** The cursor carries the SQL sort value of the last row of a page, as exact decimal text. */
export function sortValueOf(sort: TraceSortField, row: TraceRow): string {
  switch (sort) {
    case 'startTime':
      return row.start_ns;
    case 'durationMs':
      return row.duration_ns_total;
    case 'costUsd':
      return String(row.cost_usd_sum ?? -1);
    case 'totalTokens':
      return (BigInt(row.input_tokens_sum) + BigInt(row.output_tokens_sum)).toString();
  }
}

export interface TraceRow {
  trace_id: string;
  root_name: string;
  start_ns: string;
  end_ns: string;
  duration_ns_total: string;
  span_count: string;
  llm_call_count: string;
  models: string[];
  input_tokens_sum: string;
  output_tokens_sum: string;
  usage_estimated_any: number;
  cost_usd_sum: number | null;
  trace_status: 'ok' | 'error';
  any_user_id: string;
  any_session_id: string;
}

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/** A cursor's sort value must be one its SQL parameter can hold; otherwise the query would fail, not 400. */
function fitsSqlType(value: string, type: string): boolean {
  if (type === 'Int64') {
    if (!/^-?\d{1,19}$/.test(value)) return false;
    const n = BigInt(value);
    return n >= INT64.min && n <= INT64.max;
  }
  return Number.isFinite(Number(value));
}

/** JSON-escaped form of a search term, so it matches text inside the stored message JSON. */
function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** How many traces the list counts before saying "more than" (the sessions and users lists' cap too). */
export const TRACE_TOTAL_CAP = 10_000;

/**
 * The list's filters, shared by the page and its count: conditions on each trace's aggregates (HAVING) and
 * restrictions of the span scan (topic, feedback). Adds their parameters to `params`.
 */
function traceFilters(
  database: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
  params: Record<string, unknown>,
): { having: string[]; scan: string } {
  const having: string[] = [];
  if (query.model) {
    params.model = query.model;
    having.push('countIf(request_model = {model:String} OR response_model = {model:String}) > 0');
  }
  if (query.provider) {
    params.provider = query.provider;
    having.push('countIf(provider = {provider:String}) > 0');
  }
  if (query.userId) {
    params.userId = query.userId;
    having.push('countIf(user_id = {userId:String}) > 0');
  }
  if (query.sessionId) {
    params.sessionId = query.sessionId;
    having.push('countIf(session_id = {sessionId:String}) > 0');
  }
  if (query.status) {
    params.status = query.status;
    having.push('trace_status = {status:String}');
  }
  if (query.minDurationMs !== undefined) {
    // Exact decimal text: nanoseconds past 2^53 lose precision as a JS number (and the driver refuses them).
    const wholeMs = Math.floor(query.minDurationMs);
    params.minDurationNs = (
      BigInt(wholeMs) * 1_000_000n +
      BigInt(Math.round((query.minDurationMs - wholeMs) * 1e6))
    ).toString();
    having.push('duration_ns_total >= {minDurationNs:Int64}');
  }
  if (query.search) {
    params.search = jsonEscaped(query.search);
    having.push(
      `countIf(positionCaseInsensitiveUTF8(input_messages, {search:String}) > 0
        OR positionCaseInsensitiveUTF8(output_messages, {search:String}) > 0
        OR positionCaseInsensitiveUTF8(system_instructions, {search:String}) > 0) > 0`,
    );
  }
  let feedbackFilter = '';
  if (query.feedback) {
    const perTrace = perTraceFeedbackSql(database, feedback, query, params);
    const op = query.feedback === 'none' ? 'GLOBAL NOT IN' : 'GLOBAL IN';
    feedbackFilter = `AND trace_id ${op} (SELECT fb_trace FROM (${perTrace}) WHERE ${FEEDBACK_FILTERS[query.feedback]})`;
  }
  return { having, scan: `${topicFilter(database, query, params)}\n        ${feedbackFilter}` };
}

/** The parameters SPAN_RANGE binds: the project and the range in whole milliseconds, ends included. */
function rangeParams(projectId: string, query: TraceListQuery) {
  return { projectId, fromMs: Math.floor(query.fromMs), toMs: Math.ceil(query.toMs) };
}

const SPAN_RANGE = `project_id = {projectId:String}
        AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
        AND start_time < fromUnixTimestamp64Milli({toMs:Int64})`;

export function buildTraceListQuery(
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { ...rangeParams(projectId, query), limit: query.limit + 1 };
  const { having, scan } = traceFilters(database, query, feedback, params);
  const sort = SORT_EXPRESSIONS[query.sort];
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    if (!fitsSqlType(cursor.value, sort.type)) throw new InvalidCursorError();
    params.cursorValue = cursor.value;
    params.cursorTrace = cursor.traceId;
    const op = query.order === 'asc' ? '>' : '<';
    having.push(
      `(${sort.expr} ${op} {cursorValue:${sort.type}} OR (${sort.expr} = {cursorValue:${sort.type}} AND trace_id ${op} {cursorTrace:String}))`,
    );
  }
  const sql = `
    SELECT ${TRACE_COLUMNS}
    FROM (
      SELECT *, ${countedUsageCondition(database)} AS counted
      FROM ${database}.spans FINAL
      WHERE ${SPAN_RANGE}${scan}
    )
    GROUP BY trace_id
    ${having.length ? `HAVING ${having.join('\n      AND ')}` : ''}
    ORDER BY ${sort.expr} ${direction}, trace_id ${direction}
    LIMIT {limit:UInt32}`;
  return { sql, params };
}

/**
 * The number of traces the list's filters match, up to TRACE_TOTAL_CAP + 1 (so "more than the cap" shows). Only
 * the aggregates the filters read are computed (no usage de-duplication, no sort), and without FINAL: a span
 * stored twice by a retried insert is the same span, so it cannot change which traces match.
 */
export function buildTraceCountQuery(
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { ...rangeParams(projectId, query), cap: TRACE_TOTAL_CAP + 1 };
  const { having, scan } = traceFilters(database, query, feedback, params);
  const sql = `
    SELECT count() AS n FROM (
      SELECT trace_id,
        toUnixTimestamp64Nano(min(start_time)) AS start_ns,
        toUnixTimestamp64Nano(max(end_time)) AS end_ns,
        (end_ns - start_ns) AS duration_ns_total,
        if(countIf(status = 'error') > 0, 'error', 'ok') AS trace_status
      FROM ${database}.spans
      WHERE ${SPAN_RANGE}${scan}
      GROUP BY trace_id
      ${having.length ? `HAVING ${having.join('\n        AND ')}` : ''}
      LIMIT {cap:UInt32})`;
  return { sql, params };
}

/** Only traces with a call whose request is assigned the topic (topic_assignments, migration 014). */
function topicFilter(database: string, query: TraceListQuery, params: Record<string, unknown>): string {
  if (query.topicId === undefined) return '';
  params.topicId = query.topicId;
  return `
        AND trace_id IN (
          SELECT trace_id FROM ${database}.topic_assignments FINAL
          WHERE project_id = {projectId:String} AND field = 'request' AND topic_id = {topicId:String}
            AND time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
            AND time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC'))`;
}
