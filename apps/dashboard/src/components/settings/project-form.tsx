'use client';
import { type FormEvent, useState } from 'react';
import { api, type Project } from '../../lib/api';
import { useApi } from '../../lib/use-api';
import { ErrorState, Loading } from '../states';

export function ProjectForm({ projectId, canEdit }: { projectId: string; canEdit: boolean }) {
  const state = useApi<{ items: Project[] }>('/api/projects');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (state.loading) return <Loading />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  const project = state.data?.items.find((p) => p.id === projectId);
  if (!project) return <ErrorState error={new Error(`Project ${projectId} is not visible to you.`)} />;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await api(`/api/projects/${encodeURIComponent(projectId)}`, {
        method: 'PATCH',
        body: { name: String(form.get('name')), retentionDays: Number(form.get('retentionDays')) },
      });
      setMessage({ ok: true, text: 'Saved. Renaming shows in the project menu after a reload.' });
      state.reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }

  return (
    <form className="card panel form-grid" onSubmit={save} aria-labelledby="project-title">
      <h2 id="project-title">Project</h2>
      <label className="field">
        <span>Project id</span>
        <input value={project.id} readOnly disabled />
      </label>
      <label className="field">
        <span>Name</span>
        <input name="name" defaultValue={project.name} required maxLength={200} disabled={!canEdit} />
      </label>
      <label className="field">
        <span>Retention (days, 0 = server default)</span>
        <input
          name="retentionDays"
          type="number"
          min={0}
          max={36500}
          defaultValue={project.retentionDays}
          disabled={!canEdit}
        />
      </label>
      {canEdit ? (
        <div>
          <button type="submit" className="button primary">
            Save project
          </button>
        </div>
      ) : null}
      {message ? (
        <p className={message.ok ? 'form-ok' : 'form-error'} role="status">
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
