import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricRule, MetricRuleMetric, MetricRuleStore, RuleState } from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

interface Row {
  rule_id: string;
  name: string;
  metric: MetricRuleMetric;
  threshold: number;
  window_minutes: number;
  cooldown_minutes: number;
  model: string;
  destination_ids: string[];
  enabled: number;
  created_at: string;
}

/** Metric rules per project, and their states (one JSON row per rule, replaced on each transition). */
export class ClickHouseMetricRuleStore implements MetricRuleStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async create(input: Omit<MetricRule, 'ruleId' | 'createdAt'>): Promise<MetricRule> {
    const rule: MetricRule = { ...input, ruleId: randomUUID(), createdAt: new Date().toISOString() };
    await this.insertRule(rule, false);
    return rule;
  }

  async list(projectId: string): Promise<MetricRule[]> {
    const result = await this.client.query({
      query: `SELECT rule_id, name, metric, threshold, window_minutes, cooldown_minutes, model, destination_ids, enabled,
                     toString(created_at) AS created_at
              FROM ${this.database}.alert_rules FINAL
              WHERE project_id = {projectId:String} AND deleted = 0 ORDER BY created_at`,
      query_params: { projectId },
      format: 'JSONEachRow',
    });
    return (await result.json<Row>()).map((r) => ({
      ruleId: r.rule_id,
      projectId,
      name: r.name,
      metric: r.metric,
      threshold: Number(r.threshold),
      windowMinutes: Number(r.window_minutes),
      cooldownMinutes: Number(r.cooldown_minutes),
      model: r.model,
      destinationIds: r.destination_ids,
      enabled: Number(r.enabled) === 1,
      createdAt: fromClickHouseTime(r.created_at),
    }));
  }

  async remove(projectId: string, ruleId: string): Promise<boolean> {
    const rule = (await this.list(projectId)).find((r) => r.ruleId === ruleId);
    if (!rule) return false;
    await this.insertRule(rule, true);
    return true;
  }

  async states(projectId: string, ruleId: string): Promise<RuleState[]> {
    const result = await this.client.query({
      query: `SELECT states FROM ${this.database}.alert_rule_states FINAL
              WHERE project_id = {projectId:String} AND rule_id = {ruleId:String}`,
      query_params: { projectId, ruleId },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ states: string }>();
    return row ? (JSON.parse(row.states) as RuleState[]) : [];
  }

  async saveStates(projectId: string, ruleId: string, states: RuleState[]): Promise<void> {
    await this.client.insert({
      table: `${this.database}.alert_rule_states`,
      values: [
        {
          project_id: projectId,
          rule_id: ruleId,
          states: JSON.stringify(states),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
  }

  private async insertRule(rule: MetricRule, deleted: boolean): Promise<void> {
    await this.client.insert({
      table: `${this.database}.alert_rules`,
      values: [
        {
          project_id: rule.projectId,
          rule_id: rule.ruleId,
          name: rule.name,
          metric: rule.metric,
          threshold: rule.threshold,
          window_minutes: rule.windowMinutes,
          cooldown_minutes: rule.cooldownMinutes,
          model: rule.model,
          destination_ids: rule.destinationIds,
          enabled: rule.enabled ? 1 : 0,
          deleted: deleted ? 1 : 0,
          created_at: toClickHouseTime(Date.parse(rule.createdAt)),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
  }
}
