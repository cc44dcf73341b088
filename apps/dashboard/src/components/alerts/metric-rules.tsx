'use client';
import type { FormEvent } from 'react';
import type { AlertDestinationView, MetricRuleView } from '@driftwatch/api-schema';
import { api } from '../../lib/api';
import { useAction } from '../../lib/use-action';
import { useApi } from '../../lib/use-api';
import { ActionsHeader, FormError, ListStates } from '../list-states';
import { DestinationPicker, destinationNames } from './destination-picker';

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
  const base = `/api/projects/${encodeURIComponent(props.projectId)}/alert-rules`;
  const state = useApi<{ items: MetricRuleView[] }>(base);
  const { error, act } = useAction(state.reload);

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const body = {
      name: form.get('name'),
      metric: form.get('metric'),
      threshold: Number(form.get('threshold')),
      windowMinutes: Number(form.get('windowMinutes')),
      // Empty: the server's default.
      ...(form.get('cooldownMinutes') ? { cooldownMinutes: Number(form.get('cooldownMinutes')) } : {}),
      model: String(form.get('model') ?? ''),
      destinationIds: form.getAll('destinationIds'),
    };
    void act(async () => {
      await api(base, { method: 'POST', body });
      element.reset();
    });
  }

  return (
    <section className="card panel" aria-labelledby="rules-title">
      <h2 id="rules-title">Metric rules</h2>
      {props.canEdit ? (
        <form className="inline-form" onSubmit={create} aria-label="Add a metric rule">
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
          <DestinationPicker destinations={props.destinations} />
          <button type="submit" className="button primary">
            Add rule
          </button>
        </form>
      ) : null}
      <FormError error={error} />
      <ListStates state={state} emptyTitle="No metric rules" />
      {state.data && state.data.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Metric rules">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fires when</th>
                <th scope="col">Sends to</th>
                <ActionsHeader show={props.canEdit} />
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>
                    {r.metric} &gt; {r.threshold} over {r.windowMinutes} min{r.model ? ` (${r.model})` : ''}
                    {r.cooldownMinutes ? `; quiet ${r.cooldownMinutes} min after resolving` : ''}
                  </td>
                  <td>{destinationNames(r.destinationIds, props.destinations)}</td>
                  {props.canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="button small danger"
                        aria-label={`Remove the rule ${r.name}`}
                        onClick={() => void act(() => api(`${base}/${r.id}`, { method: 'DELETE' }))}
                      >
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
