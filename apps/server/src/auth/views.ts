import type { ApiKey, Project, User } from '@driftwatch/api-schema';
import type { ApiKeyInfo, ProjectInfo, StoredUser } from '@driftwatch/contracts';

/** Store records to API responses; the password hash never leaves the server. */
export function userView(u: StoredUser): User {
  return {
    id: u.userId,
    email: u.email,
    name: u.name,
    role: u.role,
    projects: u.projects,
    disabled: u.disabled,
    createdAt: u.createdAt,
  };
}

export function projectView(p: ProjectInfo): Project {
  return { id: p.projectId, name: p.name, retentionDays: p.retentionDays, createdAt: p.createdAt };
}

export function apiKeyView(k: ApiKeyInfo): ApiKey {
  return { prefix: k.prefix, kind: k.kind, name: k.name, createdAt: k.createdAt, revoked: k.revoked };
}
