import type { ApiKeyVerifier } from './auth.js';
import type { PriceOverride } from './span-record.js';

/** project ("dw_"): reads the project and sends traces and feedback; public ("dwpk_"): only sends feedback. */
export type ApiKeyKind = 'project' | 'public';

/** A project API key as lists show it: never the key or its hash. */
export interface ApiKeyInfo {
  prefix: string;
  projectId: string;
  kind: ApiKeyKind;
  name: string;
  revoked: boolean;
  createdAt: string;
}

export interface ProjectInfo {
  projectId: string;
  name: string;
  /** 0: the global retention (the spans table's TTL) applies. */
  retentionDays: number;
  createdAt: string;
}

/** Project API keys, kept only as hashes; verification (projectFor) is the ingest hot path. */
export interface ApiKeyStore extends ApiKeyVerifier {
  /** Stores a key (its hash); the caller shows the key once and forgets it. */
  addKey(projectId: string, key: string, name: string): Promise<ApiKeyInfo>;
  /** Newest first. */
  listKeys(projectId: string): Promise<ApiKeyInfo[]>;
  /** False when the project has no key with this prefix. */
  revokeKey(projectId: string, prefix: string): Promise<boolean>;
  /** Keys not revoked. */
  countKeys(projectId: string): Promise<number>;
  /** Any kind of live key (projectFor answers only for project keys); null for a missing, unknown or revoked one. */
  resolveKey(key: string): Promise<{ projectId: string; kind: ApiKeyKind } | null>;
}

export interface ProjectStore {
  /** Creates the project unless it exists; an existing one keeps its name and retention. */
  ensureProject(projectId: string, name: string): Promise<void>;
  listProjects(): Promise<ProjectInfo[]>;
  getProject(projectId: string): Promise<ProjectInfo | null>;
  /** Creates or replaces a project's name and retention. */
  saveProject(project: Omit<ProjectInfo, 'createdAt'> & { createdAt?: string }): Promise<ProjectInfo>;
}

/** A project's price overrides, replaced as a whole (PUT /api/projects/{id}/prices); the ingest applies them. */
export interface PriceOverrideStore {
  list(projectId: string): Promise<PriceOverride[]>;
  replace(projectId: string, overrides: readonly PriceOverride[]): Promise<void>;
  /** For the ingest: cached, re-read every few seconds; the same array object while unchanged. */
  current(projectId: string): Promise<readonly PriceOverride[]>;
}

/** Per-project retention shorter than the global TTL. */
export interface RetentionStore {
  deleteSpansOlderThan(projectId: string, days: number): Promise<void>;
}

export type UserRole = 'admin' | 'member' | 'viewer';

export interface StoredUser {
  userId: string;
  email: string;
  name: string;
  role: UserRole;
  /** Opaque to the store: the caller hashes (scrypt, with salt and parameters) and verifies. */
  passwordHash: string;
  projects: string[];
  disabled: boolean;
  createdAt: string;
}

export type UserPatch = Partial<Pick<StoredUser, 'name' | 'role' | 'projects' | 'passwordHash' | 'disabled'>>;

/** Dashboard users and their sign-in sessions (only token hashes are stored). */
export interface UserStore {
  list(): StoredUser[];
  get(userId: string): StoredUser | null;
  /** Case-insensitive. */
  findByEmail(email: string): StoredUser | null;
  create(input: Omit<StoredUser, 'userId' | 'createdAt' | 'disabled'>): Promise<StoredUser>;
  update(userId: string, patch: UserPatch): Promise<StoredUser | null>;
  /** A new session; returns the token for the cookie. */
  createSession(userId: string, ttlMs: number): Promise<string>;
  /** Null when the token is unknown, expired or revoked, or the user is disabled. */
  userForSession(token: string): Promise<StoredUser | null>;
  revokeSession(token: string): Promise<void>;
  /** Revokes every live session of the user except the one with keepToken; returns how many. */
  revokeSessionsOf(userId: string, keepToken?: string | null): Promise<number>;
}
