import { llmCall, nanosAgo, spanRecord } from '@driftwatch/contract-tests';
import type { MetricRule } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseMetricRuleReader } from './metric-rule-reader.js';
import { ClickHouseMetricRuleStore } from './metric-rule-store.js';
import { embeddedForTests } from './test-support.js';

async function fresh() {
  const { client, database } = embeddedForTests();
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  return {
    writer,
    reader: new ClickHouseMetricRuleReader(client, database),
    rules: new ClickHouseMetricRuleStore(client, database),
  };
}

const rule = (overrides: Partial<MetricRule>): MetricRule => ({
  ruleId: 'r1',
  projectId: 'project-a',
  name: 'n',
  metric: 'error_rate',
  threshold: 0,
  windowMinutes: 10,
  cooldownMinutes: 15,
  model: '',
  destinationIds: [],
  enabled: true,
  createdAt: new Date().toISOString(),
  ...overrides,
});

describe('ClickHouseMetricRuleReader on chDB', () => {
  it('computes error rate, p95 latency, cost and cost per user over the window, per model, per project', async () => {
    const { writer, reader } = await fresh();
    const call = (o: {
      ms: number;
      error?: boolean;
      user?: string;
      cost?: number;
      model?: string;
      agoMs?: number;
    }) =>
      spanRecord({
        startTimeUnixNano: nanosAgo(o.agoMs ?? 60_000),
        durationNs: o.ms * 1_000_000,
        status: o.error ? 'error' : 'ok',
        userId: o.user ?? 'ada',
        llm: llmCall({ costUsd: o.cost ?? 1, requestModel: o.model ?? 'gpt-4o-mini', responseModel: '' }),
      });
    await writer.insert([
      ...Array.from({ length: 8 }, (_, i) => call({ ms: 100 + i })),
      call({ ms: 900, error: true, user: 'bob', cost: 5 }),
      call({ ms: 1000, error: true, user: 'bob', cost: 5, model: 'gpt-4o' }),
      // Outside the window, another project, and an agent wrapper whose usage is not counted: none count.
      call({ ms: 5000, error: true, agoMs: 20 * 60_000 }),
      spanRecord({ projectId: 'project-b', status: 'error', llm: llmCall({ costUsd: 100 }) }),
      spanRecord({ status: 'error', llm: llmCall({ usageCounted: false, costUsd: 100 }) }),
    ]);
    const now = Date.now();
    expect(await reader.observe(rule({ metric: 'error_rate' }), now)).toEqual([
      { key: '', value: 0.2, calls: 10 },
    ]);
    const gpt4o = await reader.observe(rule({ metric: 'error_rate', model: 'gpt-4o' }), now);
    expect(gpt4o).toEqual([{ key: '', value: 1, calls: 1 }]);
    const [p95] = await reader.observe(rule({ metric: 'p95_latency_ms' }), now);
    expect(p95!.value).toBeGreaterThan(800);
    expect(p95!.value).toBeLessThanOrEqual(1000);
    expect(await reader.observe(rule({ metric: 'cost_usd' }), now)).toEqual([
      { key: '', value: 18, calls: 10 },
    ]);
    expect(await reader.observe(rule({ metric: 'user_cost_usd', threshold: 9 }), now)).toEqual([
      { key: 'bob', value: 10, calls: 2 },
    ]);
    expect(await reader.observe(rule({ metric: 'error_rate', projectId: 'project-c' }), now)).toEqual([
      { key: '', value: 0, calls: 0 },
    ]);
  });
});

describe('ClickHouseMetricRuleStore on chDB', () => {
  it('keeps rules per project and the latest states of each rule', async () => {
    const { rules } = await fresh();
    const created = await rules.create({
      projectId: 'p1',
      name: 'spend',
      metric: 'cost_usd',
      threshold: 25,
      windowMinutes: 60,
      cooldownMinutes: 30,
      model: '',
      destinationIds: ['d1', 'd2'],
      enabled: true,
    });
    expect(await rules.list('p1')).toEqual([created]);
    expect(await rules.list('p2')).toEqual([]);
    const firing = { key: '', firing: true, episode: 'e1', value: 30, notified: false };
    await rules.saveStates('p1', created.ruleId, [firing]);
    await rules.saveStates('p1', created.ruleId, [{ ...firing, notified: true }]);
    expect(await rules.states('p1', created.ruleId)).toEqual([{ ...firing, notified: true }]);
    expect(await rules.states('p2', created.ruleId)).toEqual([]);
    expect(await rules.remove('p2', created.ruleId)).toBe(false);
    expect(await rules.remove('p1', created.ruleId)).toBe(true);
    expect(await rules.list('p1')).toEqual([]);
  });
});
