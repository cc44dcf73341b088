import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ApiKeyVerifier } from '@driftwatch/contracts';

export interface ApiKeyInfo {
  prefix: string;
  projectId: string;
  name: string;
  revoked: boolean;
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
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly client: ClickHouseClient,
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
  }

  /** Stores a key (its hash); the caller shows the key once and forgets it. */
  async addKey(projectId: string, key: string, name: string): Promise<ApiKeyInfo> {
    if (!ApiKeyStore.isWellFormed(key)) {
      throw new Error('an API key is "dw_" followed by 32 characters of [A-Za-z0-9_-]');
    }
    const info: ApiKeyInfo = { prefix: apiKeyPrefix(key), projectId, name, revoked: false };
    await this.client.insert({
      table: `${this.database}.api_keys`,
      values: [{ key_hash: hashApiKey(key), key_prefix: info.prefix, project_id: projectId, name }],
      format: 'JSONEachRow',
    });
    this.byHash.set(hashApiKey(key), info);
    return info;
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
      query: `SELECT key_hash, key_prefix, project_id, name, revoked FROM ${this.database}.api_keys FINAL`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      key_hash: string;
      key_prefix: string;
      project_id: string;
      name: string;
      revoked: number;
    }>();
    this.byHash = new Map(
      rows.map((r) => [
        r.key_hash,
        { prefix: r.key_prefix, projectId: r.project_id, name: r.name, revoked: r.revoked === 1 },
      ]),
    );
    this.lastRefresh = Date.now();
  }
}
