import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { StoredUser, UserPatch, UserRole, UserStore } from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

interface Session {
  userId: string;
  expiresAtMs: number;
  revoked: boolean;
}

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  projects: string[];
  disabled: number;
  created_at: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Users and sessions. Everything is held in memory after start() (users are few; sessions are few per user),
 * so authenticating a request rarely makes a query. Writes go to ClickHouse first, then to the cache; a
 * session is read again from the table when its cached copy is older than sessionRecheckMs, so a revocation
 * made by another process (logout, password change) takes effect here within that time.
 */
export class ClickHouseUserStore implements UserStore {
  private users = new Map<string, StoredUser>();
  private sessions = new Map<string, Session>();
  private sessionCheckedAt = new Map<string, number>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly sessionRecheckMs = 30_000,
  ) {}

  async start(): Promise<void> {
    const result = await this.client.query({
      query: `SELECT user_id, email, name, role, password_hash, projects, disabled, toString(created_at) AS created_at
              FROM ${this.database}.users FINAL`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<UserRow>();
    this.users = new Map(rows.map((r) => [r.user_id, fromRow(r)]));
  }

  list(): StoredUser[] {
    return [...this.users.values()].sort((a, b) => a.email.localeCompare(b.email));
  }

  get(userId: string): StoredUser | null {
    return this.users.get(userId) ?? null;
  }

  findByEmail(email: string): StoredUser | null {
    const wanted = email.trim().toLowerCase();
    return [...this.users.values()].find((u) => u.email === wanted) ?? null;
  }

  async create(input: Omit<StoredUser, 'userId' | 'createdAt' | 'disabled'>): Promise<StoredUser> {
    const user: StoredUser = {
      ...input,
      email: input.email.trim().toLowerCase(),
      userId: randomUUID(),
      disabled: false,
      createdAt: new Date().toISOString(),
    };
    await this.write(user);
    return user;
  }

  async update(userId: string, patch: UserPatch): Promise<StoredUser | null> {
    const current = this.users.get(userId);
    if (!current) return null;
    const next = { ...current, ...patch };
    await this.write(next);
    return next;
  }

  /** A new session; returns the token to put in the cookie (only its hash is stored). */
  async createSession(userId: string, ttlMs: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expiresAtMs = Date.now() + ttlMs;
    await this.writeSession(hashToken(token), { userId, expiresAtMs, revoked: false });
    return token;
  }

  /** The user a session token belongs to, or null when unknown, expired, revoked or the user is disabled. */
  async userForSession(token: string): Promise<StoredUser | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const hash = hashToken(token);
    const cached = this.sessions.get(hash);
    const current =
      cached &&
      (cached.revoked || Date.now() - (this.sessionCheckedAt.get(hash) ?? 0) < this.sessionRecheckMs);
    const session = current ? cached : await this.loadSession(hash);
    if (!session || session.revoked || session.expiresAtMs <= Date.now()) return null;
    const user = this.users.get(session.userId);
    return user && !user.disabled ? user : null;
  }

  async revokeSession(token: string): Promise<void> {
    const hash = hashToken(token);
    const session = this.sessions.get(hash) ?? (await this.loadSession(hash));
    if (session) await this.writeSession(hash, { ...session, revoked: true });
  }

  /**
   * Every live session of the user, from the table (sessions made by other processes too), is marked revoked,
   * except keepToken's. Other processes see it when they next read the session (sessionRecheckMs).
   */
  async revokeSessionsOf(userId: string, keepToken: string | null = null): Promise<number> {
    const keep = keepToken ? hashToken(keepToken) : null;
    const result = await this.client.query({
      query: `SELECT token_hash, toUnixTimestamp64Milli(expires_at) AS expires_ms
              FROM ${this.database}.sessions FINAL
              WHERE user_id = {userId:String} AND revoked = 0 AND expires_at > now64(3)`,
      query_params: { userId },
      format: 'JSONEachRow',
    });
    const live = new Map(
      (await result.json<{ token_hash: string; expires_ms: string }>()).map((r) => [
        r.token_hash,
        Number(r.expires_ms),
      ]),
    );
    for (const [hash, session] of this.sessions)
      if (session.userId === userId && !session.revoked) live.set(hash, session.expiresAtMs);
    if (keep) live.delete(keep);
    const revoked = [...live].map(([hash, expiresAtMs]) => ({ hash, userId, expiresAtMs, revoked: true }));
    await this.writeSessions(revoked);
    return revoked.length;
  }

  private async write(user: StoredUser): Promise<void> {
    await this.client.insert({
      table: `${this.database}.users`,
      values: [
        {
          user_id: user.userId,
          email: user.email,
          name: user.name,
          role: user.role,
          password_hash: user.passwordHash,
          projects: user.projects,
          disabled: user.disabled ? 1 : 0,
          created_at: toClickHouseTime(Date.parse(user.createdAt)),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
    this.users.set(user.userId, user);
  }

  private async writeSession(hash: string, session: Session): Promise<void> {
    await this.writeSessions([{ hash, ...session }]);
  }

  private async writeSessions(sessions: Array<Session & { hash: string }>): Promise<void> {
    if (sessions.length === 0) return;
    const updatedAt = toClickHouseTime(Date.now());
    await this.client.insert({
      table: `${this.database}.sessions`,
      values: sessions.map((s) => ({
        token_hash: s.hash,
        user_id: s.userId,
        expires_at: toClickHouseTime(s.expiresAtMs),
        revoked: s.revoked ? 1 : 0,
        updated_at: updatedAt,
      })),
      format: 'JSONEachRow',
    });
    for (const { hash, ...session } of sessions) this.remember(hash, session);
  }

  private async loadSession(hash: string): Promise<Session | null> {
    const result = await this.client.query({
      query: `SELECT user_id, toUnixTimestamp64Milli(expires_at) AS expires_ms, revoked
              FROM ${this.database}.sessions FINAL WHERE token_hash = {hash:String}`,
      query_params: { hash },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ user_id: string; expires_ms: string; revoked: number }>();
    if (!row) {
      this.sessions.delete(hash);
      this.sessionCheckedAt.delete(hash);
      return null;
    }
    const session = { userId: row.user_id, expiresAtMs: Number(row.expires_ms), revoked: row.revoked === 1 };
    this.remember(hash, session);
    return session;
  }

  private remember(hash: string, session: Session): void {
    this.sessions.set(hash, session);
    this.sessionCheckedAt.set(hash, Date.now());
  }
}

function fromRow(r: UserRow): StoredUser {
  const role: UserRole = r.role === 'admin' || r.role === 'member' ? r.role : 'viewer';
  return {
    userId: r.user_id,
    email: r.email,
    name: r.name,
    role,
    passwordHash: r.password_hash,
    projects: r.projects,
    disabled: r.disabled === 1,
    createdAt: fromClickHouseTime(r.created_at),
  };
}
