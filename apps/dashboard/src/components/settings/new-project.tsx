'use client';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';

export function NewProject({ onCreated }: { onCreated: () => void }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    try {
      await api('/api/projects', {
        method: 'POST',
        body: {
          id: String(form.get('id')),
          name: String(form.get('name')),
          retentionDays: Number(form.get('retentionDays') || 0),
        },
      });
      setMessage({ ok: true, text: 'Project created. Reload to see it in the project menu.' });
      formElement.reset();
      onCreated();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }
  return (
    <form className="card panel form-grid" onSubmit={create} aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <label className="field">
        <span>Id</span>
        <input name="id" required pattern="[A-Za-z0-9_-]{1,64}" placeholder="checkout-bot" />
      </label>
      <label className="field">
        <span>Name</span>
        <input name="name" required />
      </label>
      <label className="field">
        <span>Retention (days, 0 = server default)</span>
        <input name="retentionDays" type="number" min={0} defaultValue={0} />
      </label>
      <div>
        <button type="submit" className="button primary">
          Create project
        </button>
      </div>
      {message ? (
        <p className={message.ok ? 'form-ok' : 'form-error'} role="status">
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
