import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricObservation, MetricRule, MetricRuleReader } from '@driftwatch/contracts';
import { countedUsageCondition } from './counted-usage.js';

/** Users over the limit reported per evaluation: bounds the answer and the rule's state. */
const MAX_USERS = 100;

/**
 * A rule's metric over its window, from the spans of model calls counted as the metrics API counts them,
 * optionally of one model. user_cost_usd returns only the users above the threshold, costliest first.
 */
export class ClickHouseMetricRuleReader implements MetricRuleReader {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async observe(rule: MetricRule, nowMs: number): Promise<MetricObservation[]> {
    const where = `project_id = {projectId:String}
        AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
        AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
        AND ${countedUsageCondition(this.database)}
        ${rule.model ? 'AND (request_model = {model:String} OR response_model = {model:String})' : ''}`;
    const params = {
      projectId: rule.projectId,
      fromMs: Math.floor(nowMs - rule.windowMinutes * 60_000),
      toMs: Math.ceil(nowMs),
      model: rule.model,
      threshold: rule.threshold,
      limit: MAX_USERS,
    };
    const value = {
      error_rate: "countIf(status = 'error') / count()",
      p95_latency_ms: 'quantile(0.95)(duration_ns) / 1e6',
      cost_usd: 'sum(ifNull(cost_usd, 0))',
      user_cost_usd: 'sum(ifNull(cost_usd, 0))',
    }[rule.metric];
    const query =
      rule.metric === 'user_cost_usd'
        ? `SELECT user_id AS key, ${value} AS value, count() AS calls FROM ${this.database}.spans FINAL
           WHERE ${where} AND user_id != ''
           GROUP BY user_id HAVING value > {threshold:Float64} ORDER BY value DESC LIMIT {limit:UInt32}`
        : `SELECT '' AS key, if(count() = 0, 0, ${value}) AS value, count() AS calls
           FROM ${this.database}.spans FINAL WHERE ${where}`;
    const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
    const rows = await result.json<{ key: string; value: number | string; calls: number | string }>();
    return rows.map((r) => ({ key: r.key, value: Number(r.value), calls: Number(r.calls) }));
  }
}
