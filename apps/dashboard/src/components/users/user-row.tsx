'use client';
import { useState } from 'react';
import { api, type Project, type User } from '../../lib/api';

/** Role and memberships of one user, changed in place. */
export function UserRow({
  user,
  projects,
  onChanged,
}: {
  user: User;
  projects: Project[];
  onChanged: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  async function patch(body: Partial<Pick<User, 'role' | 'projects' | 'disabled'>>) {
    setError(null);
    try {
      await api(`/api/users/${encodeURIComponent(user.id)}`, { method: 'PATCH', body });
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  }
  return (
    <tr>
      <td>
        {user.email}
        {user.name ? <span className="muted small"> · {user.name}</span> : null}
        {error ? <p className="form-error small">{error}</p> : null}
      </td>
      <td>
        <select
          aria-label={`Role of ${user.email}`}
          value={user.role}
          onChange={(e) => void patch({ role: e.target.value as User['role'] })}
        >
          <option value="viewer">viewer</option>
          <option value="member">member</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td>
        <div className="checks-inline">
          {projects.map((p) => (
            <label key={p.id} className="check">
              <input
                type="checkbox"
                aria-label={`${user.email} in ${p.name}`}
                checked={user.projects.includes(p.id)}
                onChange={(e) =>
                  void patch({
                    projects: e.target.checked
                      ? [...user.projects, p.id]
                      : user.projects.filter((id) => id !== p.id),
                  })
                }
              />{' '}
              {p.name}
            </label>
          ))}
        </div>
      </td>
      <td>
        <button
          type="button"
          className="button small"
          onClick={() => void patch({ disabled: !user.disabled })}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
      </td>
    </tr>
  );
}
