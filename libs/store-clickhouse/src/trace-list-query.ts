import type { FeedbackSettings, TraceListQuery, TraceSortField } from '@driftwatch/contracts';
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

/** The trace_summary rows (migration 018) of the hours a range touches; the GROUP BY trace_id merges them. */
const SUMMARY_RANGE = `project_id = {projectId:String}
      AND hour >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}), 'UTC')
      AND hour < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`;

/** The newest hours of the range only, from an hour boundary (see trace-list-newest.ts). */
const WINDOW_RANGE = `project_id = {projectId:String}
      AND hour >= fromUnixTimestamp64Milli({windowFromMs:Int64}, 'UTC')
      AND hour < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`;

/** A trace is in the range when its spans' start times overlap it. */
const IN_RANGE = `max(start_max) >= fromUnixTimestamp64Milli({fromMs:Int64})
      AND min(start_min) < fromUnixTimestamp64Milli({toMs:Int64})`;

const TIME_COLUMNS = `
  toUnixTimestamp64Nano(min(start_min)) AS start_ns,
  toUnixTimestamp64Nano(max(end_max)) AS end_ns,
  (end_ns - start_ns) AS duration_ns_total,
  if(max(has_error) = 1, 'error', 'ok') AS trace_status`;

/**
 * Usage and cost from counted model calls only: the calls deduped by span id (a retried batch stored twice), then
 * the counted-usage rule (counted-usage.ts): a call that is the parent of another call of the trace is a wrapper.
 */
const USAGE_COLUMNS = `
  groupUniqArrayArray(calls) AS calls_all,
  arrayMap(c -> c.1, calls_all) AS call_ids,
  arrayFilter((c, i) -> indexOf(call_ids, c.1) = i, calls_all, arrayEnumerate(calls_all)) AS calls_once,
  arrayFilter(c -> NOT has(arrayMap(x -> x.2, calls_once), c.1), calls_once) AS counted_calls,
  length(counted_calls) AS llm_call_count,
  arraySum(c -> c.3, counted_calls) AS input_tokens_sum,
  arraySum(c -> c.4, counted_calls) AS output_tokens_sum,
  toUInt8(arrayExists(c -> c.6 = 1, counted_calls)) AS usage_estimated_any,
  if(arrayExists(c -> isNotNull(c.5), counted_calls), arraySum(c -> ifNull(c.5, 0), counted_calls), NULL) AS cost_usd_sum`;

/** Every column of a list item. */
const TRACE_COLUMNS = `
  trace_id,
  argMinMerge(root) AS root_name,${TIME_COLUMNS},
  uniqExactMerge(span_ids) AS span_count,
  arraySort(groupUniqArrayArray(llm_models)) AS models,${USAGE_COLUMNS},
  arraySort(groupUniqArrayArray(user_ids))[1] AS any_user_id,
  arraySort(groupUniqArrayArray(session_ids))[1] AS any_session_id`;

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
  /** With the `bound` plan only: the upper bound of the sort value the candidates were picked by. */
  usage_bound?: number | string;
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

const DAY_MS = 86_400_000;

/** How many traces the list counts before saying "more than" (the sessions and users lists' cap too). */
export const TRACE_TOTAL_CAP = 10_000;

/** The parameters SUMMARY_RANGE and IN_RANGE bind: the project and the range in whole milliseconds. */
function rangeParams(projectId: string, query: TraceListQuery): Record<string, unknown> {
  return { projectId, fromMs: Math.floor(query.fromMs), toMs: Math.ceil(query.toMs) };
}

/**
 * The list's filters, shared by the page and its count: conditions on each trace's grouped values (HAVING) and
 * restrictions of the summary rows read (WHERE). Adds their parameters to `params`.
 */
function traceFilters(
  database: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
  params: Record<string, unknown>,
  summaryRange = SUMMARY_RANGE,
  valuesRange = summaryRange,
): { having: string[]; filters: string[] } {
  const having: string[] = [IN_RANGE];
  const valueFilters: string[] = [];
  if (query.model) {
    params.model = query.model;
    valueFilters.push('has(match_models, {model:String})');
  }
  if (query.provider) {
    params.provider = query.provider;
    valueFilters.push('has(providers, {provider:String})');
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
  const filters: string[] = [];
  if (valueFilters.length > 0) {
    // A trace matches when each value is on one of its rows (not necessarily the same row).
    filters.push(`trace_id GLOBAL IN (
        SELECT trace_id FROM ${database}.trace_summary
        WHERE ${summaryRange} AND (${valueFilters.join(' OR ')})
        GROUP BY trace_id
        HAVING ${valueFilters.map((f) => `max(${f}) = 1`).join(' AND ')})`);
  }
  const byValues = userSessionTraces(database, query, params, valuesRange);
  if (byValues) filters.push(rowsOfTraces(database, byValues));
  if (query.search) {
    // Message text is only in the spans: the traces with a span of the range whose messages contain the term.
    params.search = jsonEscaped(query.search);
    filters.push(`trace_id GLOBAL IN (
        SELECT trace_id FROM ${database}.spans
        WHERE project_id = {projectId:String}
          AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
          AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
          AND (positionCaseInsensitiveUTF8(input_messages, {search:String}) > 0
            OR positionCaseInsensitiveUTF8(output_messages, {search:String}) > 0
            OR positionCaseInsensitiveUTF8(system_instructions, {search:String}) > 0))`);
  }
  const topic = topicFilter(database, query, params);
  if (topic) filters.push(topic);
  if (query.feedback) {
    const perTrace = perTraceFeedbackSql(database, feedback, query, params);
    const op = query.feedback === 'none' ? 'GLOBAL NOT IN' : 'GLOBAL IN';
    filters.push(
      `trace_id ${op} (SELECT fb_trace FROM (${perTrace}) WHERE ${FEEDBACK_FILTERS[query.feedback]})`,
    );
  }
  return { having, filters };
}

/**
 * The traces with a span of the user and one of the session (each when asked) in the range's hours, from
 * trace_values (migration 021), read in a few granules of its sort key: the same traces as testing every
 * summary row's user and session sets. Columns trace_id and first_hour (the trace's earliest such hour). Empty
 * when the query filters on neither.
 */
export function userSessionTraces(
  database: string,
  query: Pick<TraceListQuery, 'userId' | 'sessionId'>,
  params: Record<string, unknown>,
  range = SUMMARY_RANGE,
): string {
  const conditions: string[] = [];
  if (query.userId) {
    params.userId = query.userId;
    conditions.push(`(field = 'user' AND value = {userId:String})`);
  }
  if (query.sessionId) {
    params.sessionId = query.sessionId;
    conditions.push(`(field = 'session' AND value = {sessionId:String})`);
  }
  if (conditions.length === 0) return '';
  return `
        SELECT trace_id, min(hour) AS first_hour FROM ${database}.trace_values
        WHERE ${range} AND (${conditions.join(' OR ')})
        GROUP BY trace_id
        HAVING ${conditions.map((c) => `max(${c}) = 1`).join(' AND ')}`;
}

/**
 * A WHERE condition selecting every summary row in the range of the traces a subquery names (its trace_id
 * column), by the summary's sort key instead of the trace id bloom filter over every hour of the range: the
 * hours of each trace's spans come from trace_index (all its spans, so no row is missed), cut to the range.
 * 25 traces over 30 days at 10M spans: ~25 granules instead of the bloom filters of 600.
 */
export function rowsOfTraces(database: string, traces: string): string {
  return `(hour, trace_id) GLOBAL IN (
        SELECT arrayJoin(arrayMap(h -> toDateTime(h * 3600, 'UTC'), range(first, last + 1))) AS hour, trace_id
        FROM (
          SELECT trace_id,
            toUInt64(greatest(intDiv(toUnixTimestamp64Milli(min(start_min)), 3600000),
              intDiv({fromMs:Int64}, 3600000))) AS first,
            toUInt64(least(intDiv(toUnixTimestamp64Milli(max(start_max)), 3600000),
              intDiv({toMs:Int64} - 1, 3600000))) AS last
          FROM ${database}.trace_index
          WHERE project_id = {projectId:String} AND trace_id GLOBAL IN (SELECT trace_id FROM (${traces}))
          GROUP BY trace_id
          HAVING first <= last))`;
}

/** The number of traces the list's filters match, counted up to TRACE_TOTAL_CAP + 1 (then "more than"). */
export function buildTraceCountQuery(
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { ...rangeParams(projectId, query), cap: TRACE_TOTAL_CAP + 1 };
  const { having, filters } = traceFilters(database, query, feedback, params);
  const sql = `
    SELECT count() AS n FROM (
      SELECT trace_id, ${TIME_COLUMNS}
      FROM ${database}.trace_summary
      WHERE ${SUMMARY_RANGE}${filters.map((f) => `\n        AND ${f}`).join('')}
      GROUP BY trace_id
      HAVING ${having.join('\n        AND ')}
      LIMIT {cap:UInt32})`;
  return { sql, params };
}

/**
 * Where the page's trace ids are picked: the newest hours of the range only, from `fromMs` (an hour boundary),
 * taking `candidates` traces; the caller keeps the traces whose rows all lie in those hours (trace-list-newest.ts).
 */
export interface TraceListWindow {
  fromMs: number;
  candidates: number;
}

/**
 * How the list is read: picking the page's traces within a window of the newest hours, or in one step: every
 * column of every trace the filters match, for a user or session filter (their traces' rows are read once, by
 * the sort key, instead of twice). In one step, `userFromMs` (an hour boundary) takes only the traces with a
 * span of the user or session from that hour on, their figures still over the whole range, `candidates` of them.
 */
export type TraceListPlan =
  | { window: TraceListWindow }
  | { oneStep: true; userFromMs?: number; candidates?: number }
  | { bound: { candidates: number } }
  | { traceHashes: bigint[] };

/**
 * Upper bounds of a trace's cost and tokens from its summary rows without grouping their calls: every call of
 * every row counted (a retried or wrapper call only makes the bound larger), negative costs as 0. Summing a
 * number per trace costs about half of deduplicating its calls (7 days at 10M spans: 0.75 s against 1.4 s CPU).
 */
const USAGE_BOUNDS: Partial<Record<TraceSortField, string>> = {
  costUsd: 'sum(arraySum(c -> greatest(ifNull(c.5, 0), 0), calls))',
  totalTokens: 'sum(arraySum(c -> c.3 + c.4, calls))',
};

/**
 * The traces list from trace_summary, in two steps of one statement: the page's trace ids (grouped with only
 * the columns the filters and the sort need, ordered, limited), then every column for those traces alone.
 * Filters on a trace's values (model, provider, user, session) first pick the traces having a row with the value.
 * With a window, the first step reads only the window's hours; the second still reads the whole range.
 */
export function buildTraceListQuery(
  database: string,
  projectId: string,
  query: TraceListQuery,
  feedback: FeedbackSettings,
  plan?: TraceListPlan,
): { sql: string; params: Record<string, unknown> } {
  const window = plan && 'window' in plan ? plan.window : undefined;
  // Only the traces whose id hashes are given (candidates of trace-list-costliest.ts), in one step.
  const traceHashes = plan && 'traceHashes' in plan ? plan.traceHashes : undefined;
  const oneStep = plan && 'oneStep' in plan ? plan : traceHashes ? { oneStep: true as const } : undefined;
  const bound = plan && 'bound' in plan ? USAGE_BOUNDS[query.sort] : undefined;
  const params: Record<string, unknown> = {
    ...rangeParams(projectId, query),
    limit:
      window?.candidates ??
      oneStep?.candidates ??
      (plan && 'bound' in plan ? plan.bound.candidates : query.limit + 1),
  };
  const windowFromMs = window?.fromMs ?? oneStep?.userFromMs;
  if (windowFromMs !== undefined) params.windowFromMs = windowFromMs;
  const pickRange = window ? WINDOW_RANGE : SUMMARY_RANGE;
  const valuesRange = window || oneStep?.userFromMs !== undefined ? WINDOW_RANGE : SUMMARY_RANGE;
  const { having, filters } = traceFilters(database, query, feedback, params, pickRange, valuesRange);
  if (traceHashes) {
    params.traceHashes = traceHashes;
    filters.push('trace_hash IN {traceHashes:Array(UInt64)}');
  }
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
  const byUsage = query.sort === 'costUsd' || query.sort === 'totalTokens';
  const orderBy = `ORDER BY ${sort.expr} ${direction}, trace_id ${direction}
    LIMIT {limit:UInt32}`;
  if (oneStep) {
    const sql = `
    SELECT ${TRACE_COLUMNS}
    FROM ${database}.trace_summary
    WHERE ${SUMMARY_RANGE}${filters.map((f) => `\n      AND ${f}`).join('')}
    GROUP BY trace_id
    HAVING ${having.join('\n      AND ')}
    ${orderBy}`;
    return { sql, params };
  }
  const pageIds = `
      SELECT trace_id, ${TIME_COLUMNS}${bound ? `, ${bound} AS usage_bound` : byUsage ? `,${USAGE_COLUMNS}` : ''}
      FROM ${database}.trace_summary
      WHERE ${pickRange}${filters.map((f) => `\n        AND ${f}`).join('')}
      GROUP BY trace_id
      HAVING ${having.join('\n        AND ')}
      ${bound ? 'ORDER BY usage_bound DESC, trace_id DESC LIMIT {limit:UInt32}' : orderBy}`;
  // The page's traces by id: over more than two days (or a user's or session's, spread over the range) by
  // their hours from trace_index (the sort key); over a day or two by the trace id bloom filter, whose false
  // positives (a granule per 1,000 checked) cost more than the trace_index lookup only over many days
  // (10M spans, newest first: 7 days 230 -> 175 ms CPU, 24 h 110 -> 150 ms CPU).
  const scattered =
    query.userId !== undefined || query.sessionId !== undefined || query.toMs - query.fromMs > 2 * DAY_MS;
  const sql = `
    SELECT ${TRACE_COLUMNS}${bound ? `, ${bound} AS usage_bound` : ''}
    FROM ${database}.trace_summary
    WHERE ${SUMMARY_RANGE}
      AND ${scattered ? rowsOfTraces(database, pageIds) : `trace_id GLOBAL IN (SELECT trace_id FROM (${pageIds}))`}
    GROUP BY trace_id
    ${orderBy}`;
  return { sql, params };
}

/** Only traces with a call whose request is assigned the topic, or one of the group's (topic_assignments, 014). */
function topicFilter(database: string, query: TraceListQuery, params: Record<string, unknown>): string {
  if (query.topicId === undefined) return '';
  params.topicIds = query.topicId.split(',');
  return `trace_id IN (
          SELECT trace_id FROM ${database}.topic_assignments FINAL
          WHERE project_id = {projectId:String} AND field = 'request' AND topic_id IN {topicIds:Array(String)}
            AND time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
            AND time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC'))`;
}
