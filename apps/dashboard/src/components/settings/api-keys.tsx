'use client';
import { type FormEvent, useState } from 'react';
import { api, type ApiKey, type CreatedApiKey } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { ActionsHeader, FormError, ListStates } from '../list-states';

/** The project's API keys. A new key is shown once, right after creation; lists only ever show the prefix. */
export function ApiKeys({ projectId, canEdit }: { projectId: string; canEdit: boolean }) {
  const base = `/api/projects/${encodeURIComponent(projectId)}/api-keys`;
  const state = useApi<{ items: ApiKey[] }>(base);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setError(null);
    try {
      setCreated(
        await api<CreatedApiKey>(base, {
          method: 'POST',
          body: { name: String(new FormData(form).get('name')) },
        }),
      );
      form.reset();
      state.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function revoke(prefix: string) {
    if (!window.confirm(`Revoke ${prefix}…? Exporters using it will get 401.`)) return;
    try {
      await api(`${base}/${prefix}`, { method: 'DELETE' });
      state.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <section className="card panel" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted small">
        Exporters send <code>Authorization: Bearer &lt;key&gt;</code> to <code>/v1/traces</code>.
      </p>
      {canEdit ? (
        <form className="inline-form" onSubmit={create}>
          <label className="field">
            <span>New key name</span>
            <input name="name" required maxLength={200} placeholder="production exporter" />
          </label>
          <button type="submit" className="button primary">
            Create key
          </button>
        </form>
      ) : null}
      {created ? (
        <div className="new-key" role="status">
          <p>
            <strong>Copy this key now.</strong> It is shown only once; Driftwatch keeps only its hash.
          </p>
          <code className="secret" data-testid="new-api-key">
            {created.key}
          </code>
          <button
            type="button"
            className="button small"
            onClick={() => void navigator.clipboard?.writeText(created.key)}
          >
            Copy
          </button>
        </div>
      ) : null}
      <FormError error={error} />
      <ListStates state={state} emptyTitle="No keys yet" />
      {state.data && state.data.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Prefix</th>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <ActionsHeader show={canEdit} />
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((k) => (
                <tr key={k.prefix}>
                  <td className="mono">{k.prefix}…</td>
                  <td>{k.name}</td>
                  <td className="nowrap">{formatTime(k.createdAt)}</td>
                  <td>
                    {k.revoked ? (
                      <span className="badge error">revoked</span>
                    ) : (
                      <span className="badge ok">active</span>
                    )}
                  </td>
                  {canEdit ? (
                    <td>
                      {k.revoked ? null : (
                        <button
                          type="button"
                          className="button small danger"
                          aria-label={`Revoke ${k.prefix}`}
                          onClick={() => revoke(k.prefix)}
                        >
                          Revoke
                        </button>
                      )}
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
