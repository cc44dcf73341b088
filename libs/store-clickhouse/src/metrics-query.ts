import type { FeedbackSettings, MetricsPoint, MetricsQuery } from '@driftwatch/contracts';
import { DEFAULT_SERIES, MAX_SERIES, NONE_SERIES, OTHER_SERIES } from '@driftwatch/api-schema';
import { countedUsageCondition } from './counted-usage.js';
import { perTraceFeedbackSql } from './feedback-sql.js';

/** The group key of each groupBy: columns of the spans table (release and environment from the OTel resource). */
const GROUP_KEYS: Record<NonNullable<MetricsQuery['groupBy']>, string> = {
  model: "if(response_model != '', response_model, request_model)",
  release: "if(release != '', release, {none:String})",
  environment: "if(environment != '', environment, {none:String})",
};
const RANGE = `project_id = {projectId:String}
      AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
      AND start_time < fromUnixTimestamp64Milli({toMs:Int64})`;

/**
 * Metrics are over model calls (spans whose usage is counted), so agent wrappers do not double the volume.
 * Grouped (by model, release or environment), only the `series` values with most requests (ties by name) keep
 * their own group; the rest fold into OTHER_SERIES, so an answer has at most series + 1 groups however many
 * values there are. Calls without a release or environment form the NONE_SERIES group.
 * The top list is a subquery of the same statement, so totals and buckets agree on it for a stable range.
 */
export function buildMetricsQuery(
  database: string,
  projectId: string,
  query: MetricsQuery,
  bucketed: boolean,
  feedback: FeedbackSettings,
): { sql: string; params: Record<string, unknown> } {
  const feedbackParams: Record<string, unknown> = {};
  // A call's feedback is its trace's (see feedback-sql.ts), joined by trace id; calls without feedback get zeros.
  const perTrace = perTraceFeedbackSql(database, feedback, query, feedbackParams);
  const key = query.groupBy ? GROUP_KEYS[query.groupBy] : null;
  const grouped = key !== null;
  const counted = `${RANGE}
      AND ${countedUsageCondition(database)}`;
  const topGroups = `SELECT ${key} AS top_group FROM ${database}.spans FINAL WHERE ${counted}
        GROUP BY top_group ORDER BY count() DESC, top_group LIMIT {series:UInt32}`;
  const keys = [
    ...(bucketed
      ? ['toUnixTimestamp(toStartOfInterval(start_time, toIntervalSecond({bucketSeconds:UInt32}))) AS bucket']
      : []),
    ...(grouped ? [`if(${key} IN (${topGroups}), ${key}, {other:String}) AS grp`] : []),
  ];
  const groupBy = [...(bucketed ? ['bucket'] : []), ...(grouped ? ['grp'] : [])];
  const sql = `
    SELECT ${[...keys, ''].join(', ')}
      count() AS requests,
      countIf(status = 'error') AS errors,
      quantiles(0.5, 0.95, 0.99)(duration_ns) AS latency,
      sum(ifNull(input_tokens, 0)) AS input_tokens,
      sum(ifNull(output_tokens, 0)) AS output_tokens,
      sum(ifNull(cost_usd, 0)) AS cost_usd,
      countIf(fb_judged > 0) AS feedback_calls,
      countIf(fb_negative = 1) AS negative_feedback_calls
    FROM (SELECT * FROM ${database}.spans FINAL WHERE ${counted}) AS s
    GLOBAL LEFT JOIN (${perTrace}) AS fb ON s.trace_id = fb.fb_trace
    ${groupBy.length ? `GROUP BY ${groupBy.join(', ')} ORDER BY ${groupBy.join(', ')}` : ''}`;
  return {
    sql,
    params: {
      ...feedbackParams,
      projectId,
      fromMs: Math.floor(query.fromMs),
      toMs: Math.ceil(query.toMs),
      bucketSeconds: query.bucketSeconds,
      ...(grouped
        ? {
            series: Math.min(Math.max(1, query.series ?? DEFAULT_SERIES), MAX_SERIES),
            other: OTHER_SERIES,
            ...(query.groupBy === 'model' ? {} : { none: NONE_SERIES }),
          }
        : {}),
    },
  };
}

export interface MetricsRow {
  bucket?: string | number;
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
