import type { ClickHouseClient } from '@clickhouse/client';
import type {
  FeedbackSettings,
  MetricsQuery,
  MetricsSummary,
  TraceCount,
  TraceDetail,
  TraceListPage,
  TraceListQuery,
  TraceReader,
} from '@driftwatch/contracts';
import { countedSpanIds } from './counted-usage.js';
import { encodeCursor } from './cursor.js';
import {
  joinLogMessages,
  LOG_EVENTS_SQL,
  spansLackingMessages,
  type LogEventRow,
} from './log-message-join.js';
import { classifyClickHouseError } from './errors.js';
import { DEFAULT_FEEDBACK_SETTINGS } from './feedback-settings-store.js';
import { perTraceFeedbackSql } from './feedback-sql.js';

interface PerTraceRow {
  fb_trace: string;
  fb_count: string;
  fb_judged: string;
  fb_negative: number;
}

/** Judged: negative or not; unjudged (scores, notes only): null. */
function negativeOf(row: PerTraceRow): boolean | null {
  return Number(row.fb_judged) > 0 ? Number(row.fb_negative) === 1 : null;
}
import {
  buildMetricsQuery,
  fillBuckets,
  hourBuckets,
  judgedTracesQuery,
  planMetrics,
  type JudgedTraces,
  toMetricsPoint,
  type MetricsRow,
  type MetricsShape,
} from './metrics-query.js';
import { ROLLUP_SETTLE_MS } from './metrics-rollup.js';
import { costliestFirstRows } from './trace-list-costliest.js';
import { newestFirstRows } from './trace-list-newest.js';
import { nanosToIso, SPAN_VIEW_COLUMNS, toSpanView, type SpanViewRow } from './span-view.js';
import {
  buildTraceCountQuery,
  buildTraceListQuery,
  sortValueOf,
  TRACE_TOTAL_CAP,
  type TraceRow,
} from './trace-list-query.js';

const DAY_MS = 86_400_000;

/** Read queries; every one filters on project_id first (the leading sort-key column) with bound parameters. */
export class ClickHouseTraceReader implements TraceReader {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    /** The project's feedback rules (negativity for the metrics and the traces list). */
    private readonly feedback: (projectId: string) => Promise<FeedbackSettings> = async () =>
      DEFAULT_FEEDBACK_SETTINGS,
    /** How long after its last span arrived a rolled-up hour is trusted (metrics-rollup.ts). */
    private readonly rollupSettleMs = ROLLUP_SETTLE_MS,
  ) {}

  private async rows<T>(sql: string, params: Record<string, unknown>, what: string): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (error) {
      throw classifyClickHouseError(error, what);
    }
  }

  async listTraces(projectId: string, query: TraceListQuery): Promise<TraceListPage> {
    const settings = await this.feedback(projectId);
    const rows = await this.listRows(projectId, query, settings);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const feedback = await this.pageFeedback(projectId, settings, page);
    const topics = await this.topicsOf(projectId, page);
    return {
      items: page.map((row) => ({
        traceId: row.trace_id,
        name: row.root_name,
        startTime: nanosToIso(row.start_ns),
        durationMs: Number(row.duration_ns_total) / 1e6,
        spanCount: Number(row.span_count),
        llmCallCount: Number(row.llm_call_count),
        models: [...row.models].sort(),
        inputTokens: Number(row.input_tokens_sum),
        outputTokens: Number(row.output_tokens_sum),
        usageEstimated: Number(row.usage_estimated_any) === 1,
        costUsd: row.cost_usd_sum,
        status: row.trace_status,
        userId: row.any_user_id || null,
        sessionId: row.any_session_id || null,
        feedbackCount: Number(feedback.get(row.trace_id)?.fb_count ?? 0),
        negativeFeedback: feedback.has(row.trace_id) ? negativeOf(feedback.get(row.trace_id)!) : null,
        topicId: topics.get(row.trace_id) ?? null,
      })),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ value: sortValueOf(query.sort, last), traceId: last.trace_id })
          : null,
    };
  }

  /** The page's rows and one more (the next page's cursor); newest first reads the newest hours first. */
  private async listRows(
    projectId: string,
    query: TraceListQuery,
    settings: FeedbackSettings,
  ): Promise<TraceRow[]> {
    const run = <T>(sql: string, params: Record<string, unknown>) =>
      this.rows<T>(sql, params, 'trace list query failed');
    // Filters read from other tables over the whole range (message search, feedback, topics) would be read
    // again for every window: those lists keep the whole-range query.
    const rangeFilters = query.search || query.feedback || query.topicId !== undefined;
    if (query.sort === 'startTime' && query.order === 'desc' && !rangeFilters)
      return newestFirstRows(run, this.database, projectId, query, settings);
    const costliest = await costliestFirstRows(run, this.database, projectId, query, settings);
    if (costliest) return costliest;
    const { sql, params } = buildTraceListQuery(this.database, projectId, query, settings);
    return run<TraceRow>(sql, params);
  }

  async countTraces(projectId: string, query: TraceListQuery): Promise<TraceCount> {
    const settings = await this.feedback(projectId);
    const { sql, params } = buildTraceCountQuery(this.database, projectId, query, settings);
    const [row] = await this.rows<{ n: string | number }>(sql, params, 'trace count query failed');
    const n = Number(row?.n ?? 0);
    return { total: Math.min(n, TRACE_TOTAL_CAP), totalCapped: n > TRACE_TOTAL_CAP };
  }

  /**
   * Per-trace feedback of a page's traces (a short query by trace ids). Their spans are looked up within the
   * page's time span, widened by a day each way: a list item's times are those of the hours the range read.
   */
  private async pageFeedback(
    projectId: string,
    settings: FeedbackSettings,
    page: readonly TraceRow[],
  ): Promise<Map<string, PerTraceRow>> {
    if (page.length === 0 || !(await this.hasFeedback(projectId))) return new Map();
    const params: Record<string, unknown> = { projectId };
    const window = {
      fromMs: Math.min(...page.map((r) => Number(BigInt(r.start_ns) / 1_000_000n))) - DAY_MS,
      toMs: Math.max(...page.map((r) => Number(BigInt(r.end_ns) / 1_000_000n))) + DAY_MS,
    };
    const traceIds = page.map((r) => r.trace_id);
    const sql = perTraceFeedbackSql(this.database, settings, { traceIds }, params, window);
    const rows = await this.rows<PerTraceRow>(sql, params, 'trace list feedback query failed');
    return new Map(rows.map((r) => [r.fb_trace, r]));
  }

  /**
   * Whether the project has any feedback stored: a granule of the feedback table's sort key. Without any, the
   * page's feedback query is skipped; it resolves feedback naming only a span through the spans of the page's
   * time span, which for a page spread over 30 days (a session's traces) cost more than the page itself.
   */
  private async hasFeedback(projectId: string): Promise<boolean> {
    const [row] = await this.rows<{ n: string }>(
      `SELECT count() AS n FROM (SELECT 1 FROM ${this.database}.feedback WHERE project_id = {projectId:String} LIMIT 1)`,
      { projectId },
      'trace list feedback query failed',
    );
    return Number(row?.n ?? 0) > 0;
  }

  /** The topic of each trace's first assigned request (topic_assignments, migration 014). */
  private async topicsOf(projectId: string, page: readonly TraceRow[]): Promise<Map<string, string>> {
    if (page.length === 0) return new Map();
    const starts = page.map((r) => Number(BigInt(r.start_ns) / 1_000_000n));
    const ends = page.map((r) => Number(BigInt(r.end_ns) / 1_000_000n));
    const rows = await this.rows<{ trace_id: string; topic_id: string }>(
      `SELECT trace_id, argMin(topic_id, time) AS topic_id
       FROM ${this.database}.topic_assignments FINAL
       WHERE project_id = {projectId:String} AND field = 'request' AND trace_id IN {ids:Array(String)}
         AND time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
         AND time <= fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')
       GROUP BY trace_id`,
      {
        projectId,
        ids: page.map((r) => r.trace_id),
        fromMs: Math.min(...starts),
        toMs: Math.max(...ends) + 1,
      },
      'trace topics query failed',
    );
    return new Map(rows.map((r) => [r.trace_id, r.topic_id]));
  }

  async getTrace(projectId: string, traceId: string): Promise<TraceDetail | null> {
    const [range] = await this.rows<{ lo: string; hi: string; n: string }>(
      `SELECT toUnixTimestamp64Nano(min(start_min)) AS lo, toUnixTimestamp64Nano(max(start_max)) AS hi, count() AS n
       FROM ${this.database}.trace_index
       WHERE project_id = {projectId:String} AND trace_id = {traceId:String}`,
      { projectId, traceId },
      'trace lookup failed',
    );
    if (!range || Number(range.n) === 0) return null;
    const spans = await this.rows<SpanViewRow>(
      `SELECT ${SPAN_VIEW_COLUMNS}
       FROM ${this.database}.spans FINAL
       WHERE project_id = {projectId:String}
         AND start_time >= fromUnixTimestamp64Nano({lo:Int64})
         AND start_time <= fromUnixTimestamp64Nano({hi:Int64})
         AND trace_id = {traceId:String}
       ORDER BY start_time, span_id`,
      { projectId, traceId, lo: range.lo, hi: range.hi },
      'trace spans query failed',
    );
    if (spans.length === 0) return null;
    const counted = countedSpanIds(spans);
    const views = spans.map((row) => toSpanView(row, counted.has(row.span_id)));
    const spanIds = spansLackingMessages(views);
    if (spanIds.length === 0) return { traceId, spans: views };
    const events = await this.rows<LogEventRow>(
      LOG_EVENTS_SQL(this.database),
      { projectId, traceId, spanIds },
      'GenAI log events query failed',
    );
    return { traceId, spans: joinLogMessages(views, events, traceId) };
  }

  private async judgedTraces(
    projectId: string,
    query: MetricsQuery,
    settings: FeedbackSettings,
  ): Promise<JudgedTraces> {
    const { sql, params } = judgedTracesQuery(this.database, projectId, query, settings);
    const rows = await this.rows<{ fb_trace: string; fb_negative: number }>(
      sql,
      params,
      'feedback query failed',
    );
    return {
      judged: rows.map((r) => r.fb_trace),
      negative: rows.filter((r) => Number(r.fb_negative) === 1).map((r) => r.fb_trace),
    };
  }

  /**
   * The whole hours of the range whose rollup can be read (epoch seconds, ascending): rolled up, and no span of
   * theirs arrived since (migration 020). Hours without a row are read from the spans.
   */
  private async cleanHours(projectId: string, query: MetricsQuery): Promise<number[]> {
    const rows = await this.rows<{ h: string | number }>(
      `SELECT toUInt32(hour) AS h FROM ${this.database}.metrics_rollup_hours
       WHERE project_id = {projectId:String}
         AND hour >= toStartOfHour(fromUnixTimestamp64Milli({fromMs:Int64}), 'UTC')
         AND hour < fromUnixTimestamp64Milli({toMs:Int64})
       GROUP BY hour
       HAVING toUnixTimestamp64Milli(max(rolled_up_at)) > 0
          AND toUnixTimestamp64Milli(max(changed_at)) < toUnixTimestamp64Milli(max(rolled_up_at)) - {settleMs:Int64}
       ORDER BY hour`,
      {
        projectId,
        fromMs: Math.floor(query.fromMs),
        toMs: Math.ceil(query.toMs),
        settleMs: this.rollupSettleMs,
      },
      'metrics rollup query failed',
    );
    return rows.map((r) => Number(r.h));
  }

  async metricsSummary(projectId: string, query: MetricsQuery): Promise<MetricsSummary> {
    const [settings, clean, anyFeedback] = await Promise.all([
      this.feedback(projectId),
      this.cleanHours(projectId, query),
      this.hasFeedback(projectId),
    ]);
    // The judged traces of the range, once (none when the project has no feedback at all).
    const feedback = anyFeedback ? await this.judgedTraces(projectId, query, settings) : null;
    const run = (shape: MetricsShape, bucketed: boolean) => {
      const plan = planMetrics(query, clean, bucketed);
      const { sql, params } = buildMetricsQuery(this.database, projectId, query, plan, shape, feedback);
      return this.rows<MetricsRow>(sql, params, 'metrics query failed');
    };
    let totalRows: MetricsRow[];
    let bucketRows: MetricsRow[];
    if (hourBuckets(query)) {
      // Totals and buckets read the same plan: one statement (GROUPING SETS) reads the parts once.
      const rows = await run('both', true);
      totalRows = rows.filter((r) => Number(r.is_total) === 1);
      bucketRows = rows.filter((r) => Number(r.is_total) !== 1);
    } else {
      [totalRows, bucketRows] = await Promise.all([run('totals', false), run('buckets', true)]);
    }
    const rangeStart = new Date(query.fromMs).toISOString();
    return {
      totals: totalRows.filter((r) => Number(r.requests) > 0).map((r) => toMetricsPoint(r, rangeStart)),
      buckets: fillBuckets(
        bucketRows.map((r) => toMetricsPoint(r, new Date(Number(r.bucket) * 1000).toISOString())),
        query,
      ),
    };
  }
}
