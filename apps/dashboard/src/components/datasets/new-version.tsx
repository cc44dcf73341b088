'use client';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import { datasetPath, type DatasetVersion, type QueueView } from '../../lib/review';
import { useApi } from '../../lib/use-api';
import { FormError } from '../list-states';

type Built = DatasetVersion & { judged: number; skipped: number; notified: number };

/** Builds a new immutable version from the judged items of one or more queues. */
export function NewVersion({
  datasetId,
  onBuilt,
}: {
  datasetId: string;
  onBuilt: (version: number) => void;
}) {
  const queues = useApi<{ items: QueueView[] }>('/api/review-queues');
  const [error, setError] = useState<string | null>(null);
  const [built, setBuilt] = useState<Built | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      queueIds: form.getAll('queueIds').map(String),
      approvedLabels: String(form.get('approvedLabels') ?? '')
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
      note: String(form.get('note') ?? ''),
      notify: form.get('notify') === 'on',
    };
    setError(null);
    setBusy(true);
    try {
      const version = await api<Built>(`${datasetPath(datasetId)}/versions`, { method: 'POST', body });
      setBuilt(version);
      onBuilt(version.version);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const list = queues.data?.items ?? [];
  return (
    <section className="card panel" aria-labelledby="new-version-title">
      <h2 id="new-version-title">New version from review queues</h2>
      <p className="muted small">
        A corrected answer becomes the expected answer; without one, a judgement with an approving label keeps
        the model&apos;s own answer; other items are left out. Versions never change once built.
      </p>
      <form className="form-grid" onSubmit={(e) => void submit(e)} aria-label="Create a version">
        <label className="field">
          <span>Queues</span>
          <select
            key={list.length}
            name="queueIds"
            multiple
            required
            size={Math.min(4, Math.max(2, list.length))}
            defaultValue={list[0] ? [list[0].queueId] : []}
          >
            {list.map((q) => (
              <option key={q.queueId} value={q.queueId}>
                {q.name} · {q.progress.done}/{q.progress.items}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Approving labels (comma separated)</span>
          <input name="approvedLabels" placeholder="correct" />
        </label>
        <label className="field">
          <span>Note</span>
          <input name="note" maxLength={2000} />
        </label>
        <label className="check">
          <input type="checkbox" name="notify" defaultChecked /> Send dataset.version.created webhooks
        </label>
        <div>
          <button type="submit" className="button primary" disabled={busy || list.length === 0}>
            Create version
          </button>
        </div>
        <FormError error={error} />
        {built ? (
          <p className="form-ok" role="status">
            Version {built.version} built: {built.itemCount} items ({built.judged} judged, {built.skipped}{' '}
            left out)
            {built.notified ? `, ${built.notified} webhooks queued` : ''}.
          </p>
        ) : null}
      </form>
    </section>
  );
}
