'use client';
import { type FormEvent, useState } from 'react';
import type { AlertDelivery, AlertDestinationView, CreatedAlertDestination } from '@driftwatch/api-schema';
import { api } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useAction } from '../../lib/use-action';
import { type ApiState, useApi } from '../../lib/use-api';
import { ActionsHeader, FormError, ListStates } from '../list-states';
import { Empty, ErrorState, Loading } from '../states';

/** Slack and signed-webhook destinations: add, send a test, disable, remove, and read each one's delivery log. */
export function Destinations({
  projectId,
  canEdit,
  state,
}: {
  projectId: string;
  canEdit: boolean;
  state: ApiState<{ items: AlertDestinationView[] }>;
}) {
  const base = `/api/projects/${encodeURIComponent(projectId)}/alert-destinations`;
  const [created, setCreated] = useState<CreatedAlertDestination | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { error, act } = useAction(state.reload);

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    void act(async () => {
      const body = { name: form.get('name'), kind: form.get('kind'), url: form.get('url') };
      setCreated(await api<CreatedAlertDestination>(base, { method: 'POST', body }));
      element.reset();
    });
  }

  return (
    <section className="card panel" aria-labelledby="destinations-title">
      <h2 id="destinations-title">Destinations</h2>
      <p className="muted small">
        Slack incoming webhooks and signed webhooks (Standard Webhooks: verify the webhook-signature header
        with the secret shown once when you add one). URLs are stored encrypted and never shown again.
      </p>
      {canEdit ? (
        <form className="inline-form" onSubmit={create} aria-label="Add a destination">
          <label className="field">
            <span>Name</span>
            <input name="name" required maxLength={200} placeholder="#llm-oncall" />
          </label>
          <label className="field">
            <span>Kind</span>
            <select name="kind" defaultValue="slack">
              <option value="slack">Slack</option>
              <option value="webhook">Signed webhook</option>
            </select>
          </label>
          <label className="field grow">
            <span>URL</span>
            <input
              name="url"
              type="url"
              required
              maxLength={2048}
              placeholder="https://hooks.slack.com/services/…"
            />
          </label>
          <button type="submit" className="button primary">
            Add destination
          </button>
        </form>
      ) : null}
      {created?.signingSecret ? (
        <div className="new-key" role="status">
          <p>
            Signing secret of <strong>{created.name}</strong>, shown only now:
          </p>
          <code className="secret" data-testid="new-signing-secret">
            {created.signingSecret}
          </code>
        </div>
      ) : null}
      {message ? (
        <p className="notice" role="status">
          {message}
        </p>
      ) : null}
      <FormError error={error} />
      <ListStates
        state={state}
        emptyTitle="No destinations"
        emptyHint="Add a Slack webhook or a signed webhook to receive alerts."
      />
      {state.data && state.data.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Destinations">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Address</th>
                <th scope="col">State</th>
                <ActionsHeader show />
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((d) => (
                <DestinationRow
                  key={d.id}
                  destination={d}
                  base={`${base}/${d.id}`}
                  canEdit={canEdit}
                  open={open === d.id}
                  onToggleLog={() => setOpen(open === d.id ? null : d.id)}
                  act={act}
                  onTested={(id) => setMessage(`Test message ${id} recorded; its tries appear in the log.`)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function DestinationRow(props: {
  destination: AlertDestinationView;
  base: string;
  canEdit: boolean;
  open: boolean;
  onToggleLog: () => void;
  act: (work: () => Promise<unknown>) => Promise<void>;
  onTested: (notificationId: string) => void;
}) {
  const { destination: d, base, canEdit, act } = props;
  return (
    <>
      <tr>
        <td>{d.name}</td>
        <td>{d.kind === 'slack' ? 'Slack' : 'Signed webhook'}</td>
        <td className="mono">{d.urlHint}</td>
        <td>
          <span className={`badge ${d.enabled ? 'ok' : 'error'}`}>{d.enabled ? 'enabled' : 'disabled'}</span>
        </td>
        <td className="actions">
          <button
            type="button"
            className="button small"
            aria-expanded={props.open}
            onClick={props.onToggleLog}
          >
            Deliveries
          </button>
          {canEdit ? (
            <>
              <button
                type="button"
                className="button small"
                onClick={() =>
                  void act(async () => {
                    const sent = await api<{ notificationId: string }>(`${base}/test`, { method: 'POST' });
                    props.onTested(sent.notificationId);
                  })
                }
              >
                Send test
              </button>
              <button
                type="button"
                className="button small"
                onClick={() =>
                  void act(async () => {
                    await api(base, { method: 'PATCH', body: { enabled: !d.enabled } });
                  })
                }
              >
                {d.enabled ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                className="button small danger"
                aria-label={`Remove ${d.name}`}
                onClick={() =>
                  void act(async () => {
                    await api(base, { method: 'DELETE' });
                  })
                }
              >
                Remove
              </button>
            </>
          ) : null}
        </td>
      </tr>
      {props.open ? (
        <tr>
          <td colSpan={5}>
            <DeliveryLog path={`${base}/deliveries?limit=50`} name={d.name} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

/** A suppressed message (a rule's cooldown) was held back on purpose: not an error. */
const OUTCOME_BADGE: Record<AlertDelivery['outcome'], string> = {
  delivered: 'badge ok',
  suppressed: 'badge',
  retryable: 'badge error',
  permanent: 'badge error',
};

function DeliveryLog({ path, name }: { path: string; name: string }) {
  const log = useApi<{ items: AlertDelivery[] }>(path);
  if (log.loading) return <Loading label="Loading deliveries" />;
  if (log.error) return <ErrorState error={log.error} onRetry={log.reload} />;
  const refresh = (
    <button type="button" className="button small" onClick={log.reload}>
      Refresh log
    </button>
  );
  if (!log.data || log.data.items.length === 0)
    return (
      <>
        <Empty title="Nothing sent yet" />
        {refresh}
      </>
    );
  return (
    <>
      {refresh}
      <table className="table compact" aria-label={`Deliveries to ${name}`}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Message</th>
            <th scope="col" className="num">
              Try
            </th>
            <th scope="col">Outcome</th>
            <th scope="col" className="num">
              Status
            </th>
            <th scope="col" className="num">
              Latency
            </th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {log.data.items.map((t) => (
            <tr key={`${t.notificationId}-${t.attempt}`}>
              <td className="nowrap">{formatTime(t.time)}</td>
              <td className="mono">{t.notificationId}</td>
              <td className="num">{t.attempt}</td>
              <td>
                <span className={OUTCOME_BADGE[t.outcome]}>{t.outcome}</span>
              </td>
              <td className="num">{t.statusCode ?? '—'}</td>
              <td className="num">{t.latencyMs} ms</td>
              <td>{t.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
