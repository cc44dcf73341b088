import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ApiKeyVerifier } from '@driftwatch/contracts';

export interface ApiKeyInfo {
  prefix: string;
  projectId: string;
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

function clickHouseNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

const KEY_PATTERN = /^dw_[A-Za-z0-9_-]{32}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** "dw_" + 8 characters: enough to tell keys apart in lists and logs, useless to an attacker. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 11);
}

/**
 * Project API keys, stored only as SHA-256 hashes (keys are 192 random bits, so a fast hash is safe).
 * Verification reads an in-memory map refreshed from the table, so the hot path makes no query.
 */
export class ApiKeyStore implements ApiKeyVerifier {
  private byHash = new Map<string, ApiKeyInfo>();
  private lastRefresh = 0;
  /** Projects are few and read on every dashboard page load: cached, reloaded after refreshEveryMs or a write. */
  private projects: { at: number; list: ProjectInfo[] } | null = null;
  /** Bumped by every project write, so a reload that started before the write cannot put back the old list. */
  private projectsVersion = 0;
  private refreshing: Promise<void> | null = null;

  constructor(
    /** Shared with the other stores of the same database (chDB allows one client per process). */
    readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly refreshEveryMs = 5_000,
  ) {}

  static generateKey(): string {
    return `dw_${randomBytes(24).toString('base64url')}`;
  }

  static isWellFormed(key: string): boolean {
    return KEY_PATTERN.test(key);
  }

  async ensureProject(projectId: string, name: string): Promise<void> {
    const existing = await this.client.query({
      query: `SELECT count() AS n FROM ${this.database}.projects FINAL WHERE project_id = {projectId:String}`,
      query_params: { projectId },
      format: 'JSONEachRow',
    });
    const [row] = await existing.json<{ n: string }>();
    if (Number(row?.n ?? 0) > 0) return;
    await this.client.insert({
      table: `${this.database}.projects`,
      values: [{ project_id: projectId, name }],
      format: 'JSONEachRow',
    });
    this.projects = null;
    this.projectsVersion += 1;
  }

  /** Stores a key (its hash); the caller shows the key once and forgets it. */
  async addKey(projectId: string, key: string, name: string): Promise<ApiKeyInfo> {
    if (!ApiKeyStore.isWellFormed(key)) {
      throw new Error('an API key is "dw_" followed by 32 characters of [A-Za-z0-9_-]');
    }
    const info: ApiKeyInfo = {
      prefix: apiKeyPrefix(key),
      projectId,
      name,
      revoked: false,
      createdAt: new Date().toISOString(),
    };
    await this.client.insert({
      table: `${this.database}.api_keys`,
      values: [{ key_hash: hashApiKey(key), key_prefix: info.prefix, project_id: projectId, name }],
      format: 'JSONEachRow',
    });
    this.byHash.set(hashApiKey(key), info);
    return info;
  }

  /** The keys of a project (prefix, name, created, revoked), newest first; never the key or its hash. */
  async listKeys(projectId: string): Promise<ApiKeyInfo[]> {
    await this.refresh(true);
    return [...this.byHash.values()]
      .filter((k) => k.projectId === projectId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Revokes the project's key with this prefix; false when there is none. Takes effect at once here. */
  async revokeKey(projectId: string, prefix: string): Promise<boolean> {
    await this.refresh(true);
    const found = [...this.byHash.entries()].find(
      ([, k]) => k.projectId === projectId && k.prefix === prefix,
    );
    if (!found) return false;
    const [hash, info] = found;
    await this.client.insert({
      table: `${this.database}.api_keys`,
      values: [
        {
          key_hash: hash,
          key_prefix: info.prefix,
          project_id: projectId,
          name: info.name,
          revoked: 1,
          created_at: info.createdAt.replace('T', ' ').replace('Z', ''),
          updated_at: clickHouseNow(),
        },
      ],
      format: 'JSONEachRow',
    });
    this.byHash.set(hash, { ...info, revoked: true });
    return true;
  }

  /** Served from memory; an old copy is answered at once and reloaded in the background (no query in the way). */
  async listProjects(): Promise<ProjectInfo[]> {
    if (this.projects) {
      if (Date.now() - this.projects.at >= this.refreshEveryMs) {
        this.projects.at = Date.now();
        this.loadProjects().catch(() => {
          if (this.projects) this.projects.at = 0;
        });
      }
      return this.projects.list;
    }
    return this.loadProjects();
  }

  private async loadProjects(): Promise<ProjectInfo[]> {
    const at = Date.now();
    const version = this.projectsVersion;
    const result = await this.client.query({
      query: `SELECT project_id, name, retention_days, toString(created_at) AS created_at
              FROM ${this.database}.projects FINAL ORDER BY project_id`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      project_id: string;
      name: string;
      retention_days: number;
      created_at: string;
    }>();
    const list = rows.map((r) => ({
      projectId: r.project_id,
      name: r.name,
      retentionDays: Number(r.retention_days),
      createdAt: new Date(`${r.created_at.replace(' ', 'T')}Z`).toISOString(),
    }));
    if (version === this.projectsVersion) this.projects = { at, list };
    return list;
  }

  async getProject(projectId: string): Promise<ProjectInfo | null> {
    return (await this.listProjects()).find((p) => p.projectId === projectId) ?? null;
  }

  /** Writes a project's name and retention (creating it when new): a newer row replaces the older. */
  async saveProject(project: Omit<ProjectInfo, 'createdAt'> & { createdAt?: string }): Promise<ProjectInfo> {
    const createdAt = project.createdAt ?? new Date().toISOString();
    await this.client.insert({
      table: `${this.database}.projects`,
      values: [
        {
          project_id: project.projectId,
          name: project.name,
          retention_days: project.retentionDays,
          created_at: createdAt.replace('T', ' ').replace('Z', ''),
          updated_at: clickHouseNow(),
        },
      ],
      format: 'JSONEachRow',
    });
    this.projects = null;
    this.projectsVersion += 1;
    return { ...project, createdAt };
  }

  /** Lightweight delete of a project's spans older than its retention (marks rows; merges drop them). */
  async deleteSpansOlderThan(projectId: string, days: number): Promise<void> {
    await this.client.command({
      query: `DELETE FROM ${this.database}.spans WHERE project_id = {projectId:String}
              AND start_time < now64(9) - toIntervalDay({days:UInt32})`,
      query_params: { projectId, days },
    });
  }

  async countKeys(projectId: string): Promise<number> {
    await this.refresh(true);
    return [...this.byHash.values()].filter((k) => k.projectId === projectId && !k.revoked).length;
  }

  async projectFor(apiKey: string): Promise<string | null> {
    if (!ApiKeyStore.isWellFormed(apiKey)) return null;
    await this.refresh(false);
    const hash = hashApiKey(apiKey);
    const info = this.byHash.get(hash);
    if (!info || info.revoked) return null;
    // The map lookup already matched; compare again in constant time out of habit for secrets.
    return timingSafeEqual(Buffer.from(hash), Buffer.from(hashApiKey(apiKey))) ? info.projectId : null;
  }

  private async refresh(force: boolean): Promise<void> {
    if (!force && Date.now() - this.lastRefresh < this.refreshEveryMs) return;
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async load(): Promise<void> {
    const result = await this.client.query({
      query: `SELECT key_hash, key_prefix, project_id, name, revoked, toString(created_at) AS created_at
              FROM ${this.database}.api_keys FINAL`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      key_hash: string;
      key_prefix: string;
      project_id: string;
      name: string;
      revoked: number;
      created_at: string;
    }>();
    this.byHash = new Map(
      rows.map((r) => [
        r.key_hash,
        {
          prefix: r.key_prefix,
          projectId: r.project_id,
          name: r.name,
          revoked: r.revoked === 1,
          createdAt: new Date(`${r.created_at.replace(' ', 'T')}Z`).toISOString(),
        },
      ]),
    );
    this.lastRefresh = Date.now();
  }
}
