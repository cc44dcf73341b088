import type { AlertMessage, MetricRule, MetricRuleMetric, RuleState } from '@driftwatch/contracts';

const LABEL: Record<MetricRuleMetric, string> = {
  error_rate: 'Error rate',
  p95_latency_ms: 'p95 latency',
  cost_usd: 'Cost',
  user_cost_usd: 'Cost of one user',
};

/** The value as people read it: 23.5 %, 1.24 s, $12.50. */
export function formatMetric(metric: MetricRuleMetric, value: number): string {
  if (metric === 'error_rate') return `${(value * 100).toFixed(1)} %`;
  if (metric === 'p95_latency_ms')
    return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

/** The alert for a rule's transition: what crossed, by how much, over which window and slice. */
export function ruleMessage(rule: MetricRule, state: RuleState, dashboardUrl: string | null): AlertMessage {
  const label = LABEL[rule.metric];
  const value = formatMetric(rule.metric, state.value);
  const threshold = formatMetric(rule.metric, rule.threshold);
  const window = rule.windowMinutes % 60 === 0 ? `${rule.windowMinutes / 60} h` : `${rule.windowMinutes} min`;
  const scope = [rule.model ? `model ${rule.model}` : '', state.key ? `user ${state.key}` : '']
    .filter(Boolean)
    .join(', ');
  const dimension = state.key
    ? { name: 'user', value: state.key }
    : rule.model
      ? { name: 'model', value: rule.model }
      : undefined;
  const params = new URLSearchParams({ project: rule.projectId });
  if (rule.model) params.set('model', rule.model);
  if (state.key) params.set('userId', state.key);
  if (rule.metric === 'error_rate') params.set('status', 'error');
  return {
    type: state.firing ? 'metric.threshold' : 'metric.resolved',
    title: `${state.firing ? '' : 'Resolved: '}${label} ${state.firing ? 'above' : 'back under'} ${threshold} (${rule.name})`,
    severity: state.firing ? 'warning' : 'info',
    summary: `${label} ${value} over the last ${window}${scope ? ` (${scope})` : ''}; the rule "${rule.name}" fires above ${threshold}.`,
    ...(dimension ? { dimension } : {}),
    figures: [
      { label: label, value },
      { label: 'Threshold', value: threshold },
      { label: 'Window', value: window },
    ],
    ...(dashboardUrl ? { link: `${dashboardUrl.replace(/\/$/, '')}/traces?${params}` } : {}),
    occurredAt: new Date().toISOString(),
  };
}
