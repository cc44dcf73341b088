import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  FeedbackInput,
  FeedbackScope,
  FeedbackSettings,
  FeedbackSource,
  FeedbackStore,
  FeedbackValue,
  FeedbackWriteResult,
  StoredFeedback,
  TraceFeedback,
} from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';
import { classifyClickHouseError } from './errors.js';
import { queryJsonRows } from './json-rows.js';
import { negativeExpression, perTraceNameFeedbackSql } from './feedback-sql.js';

/** JSON with object keys sorted, so the same item always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The client's idempotency key, or one derived from the item's content (an identical retry gets the same). */
export function idempotencyKeyOf(item: FeedbackInput): string {
  if (item.idempotencyKey !== undefined) return item.idempotencyKey;
  return `content:${createHash('sha256').update(canonicalJson(item)).digest('hex')}`;
}

/** 32 hex characters, unique per (project, idempotency key). */
export function feedbackIdOf(projectId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${projectId}\n${idempotencyKey}`).digest('hex').slice(0, 32);
}

interface FeedbackRow {
  feedback_id: string;
  trace_id: string;
  span_id: string;
  name: string;
  value_type: 'boolean' | 'number' | 'string';
  value_number: number;
  value_string: string;
  comment: string;
  correction: string;
  user_id: string;
  metadata: Record<string, string>;
  idempotency_key: string;
  source: FeedbackSource;
  time: string;
  received_at: string;
}

function valueOf(row: Pick<FeedbackRow, 'value_type' | 'value_number' | 'value_string'>): FeedbackValue {
  if (row.value_type === 'boolean') return row.value_number !== 0;
  return row.value_type === 'number' ? row.value_number : row.value_string;
}

/**
 * Feedback items in ClickHouse. Writes check which ids are already stored and insert only the rest, so a
 * retry is counted as a duplicate; two retries racing past that check land on the same sort key and reads use
 * FINAL, so an item is still shown once. Every query is scoped by project with bound parameters.
 */
export class ClickHouseFeedbackStore implements FeedbackStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    /** The project's rules for negativity (see feedback-sql.ts), read on every query so changes apply at once. */
    private readonly settings: (projectId: string) => Promise<FeedbackSettings>,
  ) {}

  private rows<T>(query: string, params: Record<string, unknown>, what: string): Promise<T[]> {
    return queryJsonRows<T>(this.client, query, params, what);
  }

  async record(
    projectId: string,
    items: readonly FeedbackInput[],
    source: FeedbackSource,
  ): Promise<FeedbackWriteResult> {
    const now = Date.now();
    const keyed = items.map((item) => {
      const key = idempotencyKeyOf(item);
      return { item, key, id: feedbackIdOf(projectId, key) };
    });
    const ids = keyed.map((k) => k.id);
    const stored = new Set(
      (
        await this.rows<{ feedback_id: string }>(
          `SELECT DISTINCT feedback_id FROM ${this.database}.feedback
           WHERE project_id = {projectId:String} AND feedback_id IN {ids:Array(String)}`,
          { projectId, ids: [...new Set(ids)] },
          'feedback lookup failed',
        )
      ).map((r) => r.feedback_id),
    );
    const fresh = keyed.filter((k) => !stored.has(k.id) && (stored.add(k.id), true));
    if (fresh.length > 0) {
      try {
        await this.client.insert({
          table: `${this.database}.feedback`,
          values: fresh.map(({ item, key, id }) => ({
            project_id: projectId,
            feedback_id: id,
            trace_id: item.traceId ?? '',
            span_id: item.spanId ?? '',
            name: item.name,
            value_type:
              typeof item.value === 'string'
                ? 'string'
                : typeof item.value === 'boolean'
                  ? 'boolean'
                  : 'number',
            value_number: typeof item.value === 'string' ? 0 : Number(item.value),
            value_string: typeof item.value === 'string' ? item.value : '',
            comment: item.comment ?? '',
            correction: item.correction ?? '',
            user_id: item.userId ?? '',
            metadata: item.metadata ?? {},
            idempotency_key: key,
            source,
            time: toClickHouseTime(item.timeMs ?? now),
            received_at: toClickHouseTime(now),
          })),
          format: 'JSONEachRow',
        });
      } catch (error) {
        throw classifyClickHouseError(error, 'feedback insert failed');
      }
    }
    return { accepted: fresh.length, duplicates: items.length - fresh.length, ids };
  }

  async listForTrace(projectId: string, traceId: string): Promise<StoredFeedback[]> {
    const params: Record<string, unknown> = { projectId, traceId };
    const negative = negativeExpression(await this.settings(projectId), params);
    const rows = await this.rows<FeedbackRow & { negative: number | null }>(
      `SELECT feedback_id, trace_id, span_id, toString(name) AS name, toString(value_type) AS value_type,
              value_number, value_string, comment, correction, user_id, metadata, idempotency_key,
              toString(source) AS source, toString(time) AS time, toString(received_at) AS received_at,
              ${negative} AS negative
       FROM ${this.database}.feedback FINAL
       WHERE project_id = {projectId:String}
         AND (trace_id = {traceId:String} OR (trace_id = '' AND span_id IN (
           SELECT span_id FROM ${this.database}.spans
           WHERE project_id = {projectId:String} AND trace_id = {traceId:String})))
       ORDER BY time, feedback_id
       LIMIT 10000`,
      params,
      'feedback query failed',
    );
    return rows.map((r) => ({
      id: r.feedback_id,
      traceId: traceId,
      spanId: r.span_id,
      name: r.name,
      value: valueOf(r),
      comment: r.comment,
      correction: r.correction,
      userId: r.user_id,
      metadata: r.metadata,
      idempotencyKey: r.idempotency_key,
      time: fromClickHouseTime(r.time),
      receivedAt: fromClickHouseTime(r.received_at),
      source: r.source,
      negative: r.negative === null ? null : Number(r.negative) === 1,
    }));
  }

  /**
   * Per trace, for the regression detectors (CallMetrics.negativeFeedback and .scores) and the traces list:
   * traces without feedback are absent (negativeFeedback null, no scores).
   */
  async byTrace(projectId: string, scope: FeedbackScope): Promise<Map<string, TraceFeedback>> {
    const byTrace = new Map<string, TraceFeedback>();
    if ('traceIds' in scope && scope.traceIds.length === 0) return byTrace;
    const params: Record<string, unknown> = { projectId };
    const sql = perTraceNameFeedbackSql(this.database, await this.settings(projectId), scope, params);
    const rows = await this.rows<{
      tid: string;
      name: string;
      n: string;
      judged: string;
      negatives: string;
      score_sum: number;
      score_n: string;
    }>(sql, params, 'feedback per trace query failed');
    for (const row of rows) {
      let trace = byTrace.get(row.tid);
      if (!trace) byTrace.set(row.tid, (trace = { negativeFeedback: null, scores: {}, count: 0 }));
      trace.count += Number(row.n);
      if (Number(row.judged) > 0)
        trace.negativeFeedback = trace.negativeFeedback === true || Number(row.negatives) > 0;
      if (Number(row.score_n) > 0) trace.scores[row.name] = row.score_sum / Number(row.score_n);
    }
    return byTrace;
  }
}
