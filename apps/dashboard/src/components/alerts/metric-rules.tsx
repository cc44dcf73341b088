'use client';
import type { AlertDestinationView, MetricRuleView } from '@driftwatch/api-schema';
import { RuleSection } from './rule-section';

const METRICS = [
  ['error_rate', 'Error rate (fraction, 0.05 = 5 %)'],
  ['p95_latency_ms', 'p95 latency (ms)'],
  ['cost_usd', 'Cost over the window (USD)'],
  ['user_cost_usd', 'Cost of one user over the window (USD)'],
] as const;

/** Threshold rules on a metric over a sliding window: one message when one fires, one when it resolves. */
export function MetricRules(props: {
  projectId: string;
  canEdit: boolean;
  destinations: AlertDestinationView[];
}) {
  return (
    <RuleSection<MetricRuleView>
      base={`/api/projects/${encodeURIComponent(props.projectId)}/alert-rules`}
      title="Metric rules"
      canEdit={props.canEdit}
      destinations={props.destinations}
      formLabel="Add a metric rule"
      submitLabel="Add rule"
      fields={<MetricRuleFields />}
      bodyOf={(form) => ({
        name: form.get('name'),
        metric: form.get('metric'),
        threshold: Number(form.get('threshold')),
        windowMinutes: Number(form.get('windowMinutes')),
        // Empty: the server's default.
        ...(form.get('cooldownMinutes') ? { cooldownMinutes: Number(form.get('cooldownMinutes')) } : {}),
        model: String(form.get('model') ?? ''),
        destinationIds: form.getAll('destinationIds'),
      })}
      tableLabel="Metric rules"
      emptyTitle="No metric rules"
      watchHeader="Fires when"
      watch={(r) =>
        `${r.metric} > ${r.threshold} over ${r.windowMinutes} min${r.model ? ` (${r.model})` : ''}` +
        (r.cooldownMinutes ? `; quiet ${r.cooldownMinutes} min after resolving` : '')
      }
      removeLabel={(r) => `Remove the rule ${r.name}`}
    />
  );
}

function MetricRuleFields() {
  return (
    <>
      <label className="field">
        <span>Name</span>
        <input name="name" required maxLength={200} placeholder="checkout errors" />
      </label>
      <label className="field">
        <span>Metric</span>
        <select name="metric" defaultValue="error_rate">
          {METRICS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Above</span>
        <input name="threshold" type="number" min={0} step="any" required inputMode="decimal" />
      </label>
      <label className="field">
        <span>Window (min)</span>
        <input name="windowMinutes" type="number" min={1} max={10080} defaultValue={15} required />
      </label>
      <label className="field">
        <span>Quiet after resolving (min)</span>
        <input
          name="cooldownMinutes"
          type="number"
          min={0}
          max={1440}
          step={1}
          placeholder="15"
          inputMode="numeric"
        />
      </label>
      <label className="field">
        <span>Model (empty: all)</span>
        <input name="model" maxLength={200} placeholder="gpt-4o-mini" />
      </label>
    </>
  );
}
