import type { FeedbackSettings, MetricsPoint, MetricsQuery } from '@driftwatch/contracts';
import { DEFAULT_SERIES, MAX_SERIES, NONE_SERIES, OTHER_SERIES } from '@driftwatch/api-schema';
import { childWindowOf, countedCallCondition, HOUR_MS, MODEL_KEY, timeRange } from './metrics-calls.js';
import { perTraceFeedbackSql } from './feedback-sql.js';

/**
 * Where each part of a range is read from: whole hours rolled up and clean (metrics_rollup, migration 020) from
 * the rollup, the rest (the open hour, hours that changed since their rollup, the range's partial first and last
 * hours) from the spans, as [fromMs, toMs) intervals. The two never overlap, so nothing counts twice.
 */
export interface MetricsPlan {
  rollupHours: number[];
  live: Array<[number, number]>;
}

/**
 * What a statement answers: the totals of the range, its buckets, or both (GROUPING SETS: when both read the same
 * plan, the parts are read once).
 */
export type MetricsShape = 'totals' | 'buckets' | 'both';

/** More live intervals than this are joined (reading the rolled-up hours between them from the spans). */
const MAX_LIVE_INTERVALS = 16;

/**
 * The plan of a range given the clean hours (epoch seconds, ascending). Buckets read rolled-up hours only when
 * every hour lies in one bucket (bucket widths in whole hours; buckets and hours both start at the epoch).
 */
export function planMetrics(
  query: MetricsQuery,
  cleanHours: readonly number[],
  bucketed: boolean,
): MetricsPlan {
  const usable = !bucketed || hourBuckets(query);
  let rollupHours = usable
    ? cleanHours.filter((h) => h * 1000 >= query.fromMs && h * 1000 + HOUR_MS <= query.toMs)
    : [];
  const live = (hours: number[]): Array<[number, number]> => {
    const intervals: Array<[number, number]> = [];
    let at = query.fromMs;
    for (const h of hours) {
      if (h * 1000 > at) intervals.push([at, h * 1000]);
      at = h * 1000 + HOUR_MS;
    }
    if (at < query.toMs) intervals.push([at, query.toMs]);
    return intervals;
  };
  let intervals = live(rollupHours);
  while (intervals.length > MAX_LIVE_INTERVALS) {
    // Join the two live intervals with the fewest rolled-up hours between them.
    let best = 0;
    for (let i = 1; i < intervals.length - 1; i++)
      if (intervals[i + 1]![0] - intervals[i]![1] < intervals[best + 1]![0] - intervals[best]![1]) best = i;
    const [gapLo, gapHi] = [intervals[best]![1], intervals[best + 1]![0]];
    rollupHours = rollupHours.filter((h) => h * 1000 < gapLo || h * 1000 >= gapHi);
    intervals = live(rollupHours);
  }
  return { rollupHours, live: intervals };
}

/** Buckets of whole hours: each hour lies in one bucket (both start at the epoch), so the rollup serves them. */
export function hourBuckets(query: MetricsQuery): boolean {
  return query.bucketSeconds % 3600 === 0;
}

/** The traces of the range with a feedback judgement, and of them those judged negative (feedback-sql.ts). */
export interface JudgedTraces {
  judged: string[];
  negative: string[];
}

/**
 * The project's judged traces by the feedback in the range's scope (feedback-sql.ts; a trace without calls in the
 * range finds none): computed once per summary, so the statement finds their calls by trace id.
 * Columns: fb_trace, fb_negative.
 */
export function judgedTracesQuery(
  database: string,
  projectId: string,
  query: MetricsQuery,
  settings: FeedbackSettings,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = { projectId };
  const perTrace = perTraceFeedbackSql(database, settings, query, params);
  return { sql: `SELECT fb_trace, fb_negative FROM (${perTrace}) WHERE fb_judged > 0`, params };
}

/** The group key of each groupBy, over columns the spans and the rollup both have. */
const GROUP_KEYS: Record<NonNullable<MetricsQuery['groupBy']>, { spans: string; rollup: string }> = {
  model: { spans: MODEL_KEY, rollup: 'model' },
  release: {
    spans: "if(release != '', release, {none:String})",
    rollup: "if(release != '', release, {none:String})",
  },
  environment: {
    spans: "if(environment != '', environment, {none:String})",
    rollup: "if(environment != '', environment, {none:String})",
  },
};
const EMPTY_LATENCY = "arrayReduce('quantilesState(0.5, 0.95, 0.99)', CAST([], 'Array(UInt64)'))";

/**
 * Metrics are over model calls (spans whose usage is counted, metrics-calls.ts), so agent wrappers do not double
 * the volume. Three parts of the same columns are merged: the rollup's rows of the plan's hours (each hour's
 * newest version), the calls of the plan's live intervals (spans with FINAL, a few hours), and the feedback
 * counts of the whole range (the calls of the traces that have feedback, which changes after the fact so is never
 * rolled up; spans deduped like FINAL, found by the trace id bloom filter). Latency quantiles merge the same
 * reservoir states either way. Grouped (by model, release or environment), only the `series` values with most
 * requests (ties by name) keep their own group; the rest fold into OTHER_SERIES, so an answer has at most
 * series + 1 groups however many values there are. Calls without a release or environment form the NONE_SERIES
 * group. The top list is computed in the same statement, so totals and buckets agree on it for a stable range.
 */
export function buildMetricsQuery(
  database: string,
  projectId: string,
  query: MetricsQuery,
  plan: MetricsPlan,
  shape: MetricsShape,
  feedback: JudgedTraces | null,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {
    projectId,
    fromMs: Math.floor(query.fromMs),
    toMs: Math.ceil(query.toMs),
  };
  const bucketed = shape !== 'totals';
  const key = query.groupBy ? GROUP_KEYS[query.groupBy] : null;
  const bucketOf = (time: string) =>
    bucketed
      ? `toUInt32(toUnixTimestamp(toStartOfInterval(${time}, toIntervalSecond({bucketSeconds:UInt32})))) AS bucket, `
      : '';
  const groupOf = (which: 'spans' | 'rollup') => `toString(${key ? key[which] : "''"}) AS g`;
  const keys = `${bucketed ? 'bucket, ' : ''}g`;
  const parts: string[] = [];

  if (plan.rollupHours.length > 0) {
    params.rollupHours = plan.rollupHours;
    params.rollupLo = plan.rollupHours[0]!;
    params.rollupHi = plan.rollupHours[plan.rollupHours.length - 1]!;
    parts.push(`SELECT ${bucketOf('hour')}${groupOf('rollup')}, requests, errors, input_tokens, output_tokens,
        cost_usd, latency, toUInt64(0) AS feedback_calls, toUInt64(0) AS negative_feedback_calls
      FROM (
        SELECT *, max(version) OVER (PARTITION BY hour) AS hour_version
        FROM ${database}.metrics_rollup
        WHERE project_id = {projectId:String}
          AND hour >= toDateTime({rollupLo:UInt32}, 'UTC') AND hour <= toDateTime({rollupHi:UInt32}, 'UTC')
          AND has({rollupHours:Array(UInt32)}, toUInt32(hour))
      )
      WHERE version = hour_version
      LIMIT 1 BY hour, model, release, environment`);
  }

  if (plan.live.length > 0) {
    const calls: string[] = [];
    const children: string[] = [];
    plan.live.forEach(([lo, hi], i) => {
      const [childLo, childHi] = childWindowOf(lo, hi);
      Object.assign(params, {
        [`live${i}Lo`]: Math.floor(lo),
        [`live${i}Hi`]: Math.ceil(hi),
        [`child${i}Lo`]: childLo,
        [`child${i}Hi`]: childHi,
      });
      calls.push(timeRange(`live${i}`));
      children.push(timeRange(`child${i}`));
    });
    parts.push(`SELECT ${bucketOf('start_time')}${groupOf('spans')}, count() AS requests,
        countIf(status = 'error') AS errors, sum(ifNull(input_tokens, 0)) AS input_tokens,
        sum(ifNull(output_tokens, 0)) AS output_tokens, sum(ifNull(cost_usd, 0)) AS cost_usd,
        quantilesState(0.5, 0.95, 0.99)(duration_ns) AS latency,
        toUInt64(0) AS feedback_calls, toUInt64(0) AS negative_feedback_calls
      FROM ${database}.spans FINAL
      WHERE project_id = {projectId:String} AND (${calls.join(' OR ')})
        AND ${countedCallCondition(database, children.join(' OR '))}
      GROUP BY ${keys}`);
  }

  if (feedback && feedback.judged.length > 0) {
    // A call's feedback is its trace's (judgedTracesQuery); the spans of those traces are found by the trace id
    // bloom filter and deduped as FINAL would (the newest copy of each row of the sort key).
    const [fbChildLo, fbChildHi] = childWindowOf(query.fromMs, query.toMs);
    Object.assign(params, {
      fbChildLo,
      fbChildHi,
      fbJudged: feedback.judged,
      fbNegative: feedback.negative,
    });
    parts.push(`SELECT ${bucketOf('start_time')}${groupOf('spans')}, toUInt64(0) AS requests,
        toUInt64(0) AS errors, toUInt64(0) AS input_tokens, toUInt64(0) AS output_tokens, toFloat64(0) AS cost_usd,
        ${EMPTY_LATENCY} AS latency,
        count() AS feedback_calls,
        countIf(trace_id IN {fbNegative:Array(String)}) AS negative_feedback_calls
      FROM (
        SELECT start_time, trace_id, span_id, parent_span_id, usage_counted, request_model, response_model,
          release, environment
        FROM ${database}.spans
        WHERE project_id = {projectId:String}
          AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
          AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
          AND trace_id IN {fbJudged:Array(String)}
        ORDER BY ingested_at DESC
        LIMIT 1 BY start_time, trace_id, span_id
      )
      WHERE ${countedCallCondition(database, `${timeRange('fbChild')} AND trace_id IN {fbJudged:Array(String)}`)}
      GROUP BY ${keys}`);
  }

  const grouped = key !== null;
  // Per bucket and group first (latency still as states), then the groups beyond the top `series` by requests
  // (ties by name) fold into one: a window over those rows, so the parts are read once.
  const perGroup = `SELECT ${keys}, sum(requests) AS requests, sum(errors) AS errors,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
        quantilesMergeState(0.5, 0.95, 0.99)(latency) AS latency,
        sum(feedback_calls) AS feedback_calls, sum(negative_feedback_calls) AS negative_feedback_calls
      FROM (${parts.join('\n      UNION ALL\n      ')})
      GROUP BY ${keys}`;
  const folded = grouped
    ? `SELECT *, if(dense_rank() OVER (ORDER BY g_requests DESC, g) <= {series:UInt32}, g, {other:String}) AS grp
      FROM (SELECT *, sum(requests) OVER (PARTITION BY g) AS g_requests FROM (${perGroup}))`
    : perGroup;
  const grp = grouped ? ['grp'] : [];
  const groupBy =
    shape === 'totals'
      ? grp.length
        ? `GROUP BY grp ORDER BY grp`
        : ''
      : shape === 'buckets'
        ? `GROUP BY ${['bucket', ...grp].join(', ')} ORDER BY ${['bucket', ...grp].join(', ')}`
        : `GROUP BY GROUPING SETS ((${['bucket', ...grp].join(', ')}), (${grp.join(', ')}))
           ORDER BY ${['bucket', ...grp].join(', ')}`;
  const sql = `
    SELECT ${bucketed ? 'bucket, ' : ''}${grouped ? 'grp, ' : ''}
      ${shape === 'both' ? 'grouping(bucket) AS is_total,' : ''}
      sum(requests) AS requests,
      sum(errors) AS errors,
      quantilesMerge(0.5, 0.95, 0.99)(latency) AS latency,
      sum(input_tokens) AS input_tokens,
      sum(output_tokens) AS output_tokens,
      sum(cost_usd) AS cost_usd,
      sum(feedback_calls) AS feedback_calls,
      sum(negative_feedback_calls) AS negative_feedback_calls
    FROM (${folded})
    ${groupBy}
    ${shape === 'both' ? 'SETTINGS force_grouping_standard_compatibility = 1' : ''}`;
  return {
    sql,
    params: {
      ...params,
      bucketSeconds: query.bucketSeconds,
      ...(grouped
        ? {
            series: Math.min(Math.max(1, query.series ?? DEFAULT_SERIES), MAX_SERIES),
            other: OTHER_SERIES,
          }
        : {}),
      ...(query.groupBy === 'release' || query.groupBy === 'environment' ? { none: NONE_SERIES } : {}),
    },
  };
}

export interface MetricsRow {
  bucket?: string | number;
  /** With shape 'both': 1 on the rows of the totals. */
  is_total?: number;
  grp?: string;
  requests: string | number;
  errors: string | number;
  latency: number[];
  input_tokens: string | number;
  output_tokens: string | number;
  cost_usd: number;
  feedback_calls: string | number;
  negative_feedback_calls: string | number;
}

export function toMetricsPoint(row: MetricsRow, bucketStart: string): MetricsPoint {
  const requests = Number(row.requests);
  const errors = Number(row.errors);
  const feedbackCalls = Number(row.feedback_calls);
  const negativeFeedbackCalls = Number(row.negative_feedback_calls);
  const [p50 = 0, p95 = 0, p99 = 0] = row.latency.map((ns) => (Number.isFinite(ns) ? ns / 1e6 : 0));
  return {
    bucketStart,
    group: row.grp ?? null,
    requests,
    errors,
    errorRate: requests ? errors / requests : 0,
    latencyP50Ms: p50,
    latencyP95Ms: p95,
    latencyP99Ms: p99,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: row.cost_usd,
    feedbackCalls,
    negativeFeedbackCalls,
    negativeFeedbackRate: feedbackCalls ? negativeFeedbackCalls / feedbackCalls : null,
  };
}

/** Every bucket of the range appears, empty ones as zeros, so charts have no holes. */
export function fillBuckets(points: MetricsPoint[], query: MetricsQuery): MetricsPoint[] {
  const width = query.bucketSeconds * 1000;
  const first = Math.floor(query.fromMs / width) * width;
  const groups = [...new Set(points.map((p) => p.group))];
  if (groups.length === 0) groups.push(null);
  const byKey = new Map(points.map((p) => [`${p.bucketStart}|${p.group}`, p]));
  const filled: MetricsPoint[] = [];
  for (let t = first; t < query.toMs; t += width) {
    const bucketStart = new Date(t).toISOString();
    for (const group of groups) {
      filled.push(
        byKey.get(`${bucketStart}|${group}`) ?? {
          bucketStart,
          group,
          requests: 0,
          errors: 0,
          errorRate: 0,
          latencyP50Ms: 0,
          latencyP95Ms: 0,
          latencyP99Ms: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          feedbackCalls: 0,
          negativeFeedbackCalls: 0,
          negativeFeedbackRate: null,
        },
      );
    }
  }
  return filled;
}
