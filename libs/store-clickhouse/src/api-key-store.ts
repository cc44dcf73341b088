import { createHash, randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ApiKeyInfo, ApiKeyKind, ApiKeyStore } from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

const KEY_PATTERN = /^dw_[A-Za-z0-9_-]{32}$/;
/** Browser-safe keys: their own prefix, so the kind is known from the key (and its stored prefix) alone. */
const PUBLIC_KEY_PATTERN = /^dwpk_[A-Za-z0-9_-]{32}$/;
const PUBLIC_PREFIX = 'dwpk_';

function kindOfKey(keyOrPrefix: string): ApiKeyKind {
  return keyOrPrefix.startsWith(PUBLIC_PREFIX) ? 'public' : 'project';
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** "dw_" (or "dwpk_") + 8 characters: enough to tell keys apart in lists and logs, useless to an attacker. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, kindOfKey(key) === 'public' ? 13 : 11);
}

/** "dw_" + 192 random bits; a public key is "dwpk_" + 192 random bits. */
export function generateApiKey(kind: ApiKeyKind = 'project'): string {
  return `${kind === 'public' ? PUBLIC_PREFIX : 'dw_'}${randomBytes(24).toString('base64url')}`;
}

/** A project key ("dw_"); public keys are not API keys for anything but feedback. */
export function isWellFormedApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function isWellFormedPublicKey(key: string): boolean {
  return PUBLIC_KEY_PATTERN.test(key);
}

/**
 * Project API keys, stored only as SHA-256 hashes (keys are 192 random bits, so a fast hash is safe, and a
 * lookup by hash reveals nothing through timing that could help guess a key).
 * Verification reads an in-memory map refreshed from the table, so the hot path makes no query.
 */
export class ClickHouseApiKeyStore implements ApiKeyStore {
  private byHash = new Map<string, ApiKeyInfo>();
  private lastRefresh = 0;
  private refreshing: Promise<void> | null = null;

  constructor(
    /** Shared with the other stores of the same database (chDB allows one client per process). */
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly refreshEveryMs = 5_000,
  ) {}

  async addKey(projectId: string, key: string, name: string): Promise<ApiKeyInfo> {
    if (!isWellFormedApiKey(key) && !isWellFormedPublicKey(key)) {
      throw new Error('an API key is "dw_" (public: "dwpk_") followed by 32 characters of [A-Za-z0-9_-]');
    }
    const info: ApiKeyInfo = {
      prefix: apiKeyPrefix(key),
      projectId,
      kind: kindOfKey(key),
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

  async listKeys(projectId: string): Promise<ApiKeyInfo[]> {
    await this.refresh(true);
    return [...this.byHash.values()]
      .filter((k) => k.projectId === projectId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Takes effect at once in this process; others see it within refreshEveryMs. */
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
          created_at: toClickHouseTime(Date.parse(info.createdAt)),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
    this.byHash.set(hash, { ...info, revoked: true });
    return true;
  }

  async countKeys(projectId: string): Promise<number> {
    await this.refresh(true);
    return [...this.byHash.values()].filter((k) => k.projectId === projectId && !k.revoked).length;
  }

  async projectFor(apiKey: string): Promise<string | null> {
    if (!isWellFormedApiKey(apiKey)) return null;
    return (await this.resolveKey(apiKey))?.projectId ?? null;
  }

  async resolveKey(key: string): Promise<{ projectId: string; kind: ApiKeyKind } | null> {
    if (!isWellFormedApiKey(key) && !isWellFormedPublicKey(key)) return null;
    await this.refresh(false);
    const info = this.byHash.get(hashApiKey(key));
    return info && !info.revoked ? { projectId: info.projectId, kind: info.kind } : null;
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
          kind: kindOfKey(r.key_prefix),
          name: r.name,
          revoked: r.revoked === 1,
          createdAt: fromClickHouseTime(r.created_at),
        },
      ]),
    );
    this.lastRefresh = Date.now();
  }
}
