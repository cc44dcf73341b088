'use client';
import { type FormEvent, useState } from 'react';
import { api, type Project, type User } from '../../lib/api';
import { useApi } from '../../lib/use-api';
import { NewProject } from '../settings/new-project';
import { Empty, ErrorState, Loading } from '../states';
import { UserRow } from './user-row';

export function UsersAdmin() {
  const users = useApi<{ items: User[] }>('/api/users');
  const projects = useApi<{ items: Project[] }>('/api/projects');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    try {
      await api('/api/users', {
        method: 'POST',
        body: {
          email: String(form.get('email')),
          name: String(form.get('name') ?? ''),
          password: String(form.get('password')),
          role: String(form.get('role')),
          projects: form.getAll('projects').map(String),
        },
      });
      setMessage({ ok: true, text: 'User created.' });
      formElement.reset();
      users.reload();
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }

  const projectList = projects.data?.items ?? [];
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Team: accounts and projects</h1>
      </div>
      <section className="card panel" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        {users.loading ? <Loading /> : null}
        {users.error ? <ErrorState error={users.error} onRetry={users.reload} /> : null}
        {users.data && users.data.items.length === 0 ? <Empty title="No users" /> : null}
        {users.data && users.data.items.length > 0 ? (
          <div className="table-scroll">
            <table className="table" aria-label="Users">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Projects</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((u) => (
                  <UserRow key={u.id} user={u} projects={projectList} onChanged={users.reload} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <form className="card panel form-grid" onSubmit={create} aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <label className="field">
          <span>Email</span>
          <input name="email" type="email" required />
        </label>
        <label className="field">
          <span>Name</span>
          <input name="name" />
        </label>
        <label className="field">
          <span>Password (12+ characters)</span>
          <input name="password" type="password" minLength={12} required autoComplete="new-password" />
        </label>
        <label className="field">
          <span>Role</span>
          <select name="role" defaultValue="viewer">
            <option value="viewer">viewer (read)</option>
            <option value="member">member (read, annotate)</option>
            <option value="admin">admin (everything)</option>
          </select>
        </label>
        <fieldset className="field checks">
          <legend>Projects</legend>
          {projectList.map((p) => (
            <label key={p.id} className="check">
              <input type="checkbox" name="projects" value={p.id} /> {p.name}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" className="button primary">
            Create user
          </button>
        </div>
        {message ? (
          <p className={message.ok ? 'form-ok' : 'form-error'} role="status">
            {message.text}
          </p>
        ) : null}
      </form>
      <NewProject onCreated={projects.reload} />
    </div>
  );
}
