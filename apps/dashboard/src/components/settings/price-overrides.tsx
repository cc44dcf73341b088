'use client';
import { type FormEvent, useState } from 'react';
import type { PriceOverrideList } from '@driftwatch/api-schema';
import { api } from '../../lib/api';
import { useApi } from '../../lib/use-api';
import { ActionsHeader, FormError, ListStates } from '../list-states';

type Override = PriceOverrideList['items'][number];

const RATES = [
  ['input', 'Input'],
  ['output', 'Output'],
  ['cacheRead', 'Cache read'],
  ['cacheWrite', 'Cache write'],
  ['reasoning', 'Reasoning'],
] as const;

/** Optional rate fields: an empty box means "same as input" (cache) or "same as output" (reasoning). */
function rateOf(form: FormData, key: string): number | undefined {
  const text = String(form.get(key) ?? '').trim();
  return text === '' ? undefined : Number(text);
}

/**
 * The project's own prices (USD per 1M tokens) for custom or fine-tuned models and negotiated rates; other models
 * are priced from the bundled genai-prices data. Changes apply to spans ingested afterwards.
 */
export function PriceOverrides({ projectId, canEdit }: { projectId: string; canEdit: boolean }) {
  const base = `/api/projects/${encodeURIComponent(projectId)}/prices`;
  const state = useApi<PriceOverrideList>(base);
  const [error, setError] = useState<string | null>(null);

  async function save(items: Override[]) {
    setError(null);
    try {
      await api(base, { method: 'PUT', body: { items } });
      state.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const item: Override = {
      provider: String(form.get('provider') ?? '').trim(),
      model: String(form.get('model') ?? '').trim(),
      input: Number(form.get('input')),
      output: Number(form.get('output')),
    };
    for (const key of ['cacheRead', 'cacheWrite', 'reasoning'] as const) {
      const value = rateOf(form, key);
      if (value !== undefined) item[key] = value;
    }
    const others = (state.data?.items ?? []).filter(
      (o) => !(o.model.toLowerCase() === item.model.toLowerCase() && o.provider === item.provider),
    );
    await save([...others, item]);
    element.reset();
  }

  return (
    <section className="card panel" aria-labelledby="prices-title">
      <h2 id="prices-title">Model prices</h2>
      <p className="muted small">
        USD per 1M tokens for models the bundled price list does not know (custom, fine-tuned) or that you pay
        differently for. They apply to spans received from now on; calls of other models keep the list prices.
      </p>
      {canEdit ? (
        <form className="inline-form" onSubmit={add} aria-label="Add or change a model price">
          <label className="field">
            <span>Model</span>
            <input name="model" required maxLength={200} placeholder="ft:gpt-4o-mini:acme::abc123" />
          </label>
          <label className="field">
            <span>Provider (empty: any)</span>
            <input name="provider" maxLength={100} placeholder="openai" />
          </label>
          {RATES.map(([key, label]) => (
            <label className="field" key={key}>
              <span>{label}</span>
              <input
                name={key}
                type="number"
                min={0}
                step="any"
                required={key === 'input' || key === 'output'}
                inputMode="decimal"
              />
            </label>
          ))}
          <button type="submit" className="button primary">
            Save price
          </button>
        </form>
      ) : null}
      <FormError error={error} />
      <ListStates state={state} emptyTitle="No price overrides" />
      {state.data && state.data.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Model prices">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Provider</th>
                {RATES.map(([key, label]) => (
                  <th scope="col" className="num" key={key}>
                    {label}
                  </th>
                ))}
                <ActionsHeader show={canEdit} />
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((o) => (
                <tr key={`${o.provider}/${o.model}`}>
                  <td className="mono">{o.model}</td>
                  <td>{o.provider || 'any'}</td>
                  {RATES.map(([key]) => (
                    <td className="num" key={key}>
                      {o[key] ?? '—'}
                    </td>
                  ))}
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="button small danger"
                        aria-label={`Remove the price of ${o.model}`}
                        onClick={() => void save(state.data!.items.filter((x) => x !== o))}
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
