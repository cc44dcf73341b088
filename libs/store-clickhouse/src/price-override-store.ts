import type { ClickHouseClient } from '@clickhouse/client';
import type { PriceOverride, PriceOverrideStore } from '@driftwatch/contracts';
import { classifyClickHouseError } from './errors.js';

function clickHouseNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}

/** The stored JSON as overrides; fields that are not what they should be drop the entry (never a wrong price). */
function parseOverrides(json: string): PriceOverride[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const rate = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  const out: PriceOverride[] = [];
  for (const item of raw as Array<Record<string, unknown>>) {
    if (!item || typeof item.model !== 'string' || !rate(item.input) || !rate(item.output)) continue;
    const override: PriceOverride = {
      provider: typeof item.provider === 'string' ? item.provider : '',
      model: item.model,
      input: item.input as number,
      output: item.output as number,
    };
    for (const key of ['cacheRead', 'cacheWrite', 'reasoning'] as const)
      if (rate(item[key])) override[key] = item[key] as number;
    out.push(override);
  }
  return out;
}

/**
 * A project's price overrides, one row per project replaced as a whole. `current()` serves the ingest: a cached
 * list, read again once older than refreshEveryMs (another process may have changed it); concurrent requests
 * share one read, and a failed read keeps the last known list.
 */
export class ClickHousePriceOverrideStore implements PriceOverrideStore {
  private readonly cache = new Map<string, { at: number; list: readonly PriceOverride[] }>();
  private readonly loading = new Map<string, Promise<readonly PriceOverride[]>>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly refreshEveryMs = 5_000,
  ) {}

  async list(projectId: string): Promise<PriceOverride[]> {
    try {
      const result = await this.client.query({
        query: `SELECT prices FROM ${this.database}.project_prices FINAL WHERE project_id = {projectId:String}`,
        query_params: { projectId },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ prices: string }>();
      return row ? parseOverrides(row.prices) : [];
    } catch (error) {
      throw classifyClickHouseError(error, 'price overrides query failed');
    }
  }

  async replace(projectId: string, overrides: readonly PriceOverride[]): Promise<void> {
    try {
      await this.client.insert({
        table: `${this.database}.project_prices`,
        values: [{ project_id: projectId, prices: JSON.stringify(overrides), updated_at: clickHouseNow() }],
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw classifyClickHouseError(error, 'price overrides insert failed');
    }
    this.cache.set(projectId, { at: Date.now(), list: [...overrides] });
  }

  /** The overrides the ingest applies: the same array object until they change (callers may key caches on it). */
  async current(projectId: string): Promise<readonly PriceOverride[]> {
    const cached = this.cache.get(projectId);
    if (cached && Date.now() - cached.at < this.refreshEveryMs) return cached.list;
    try {
      return await this.reload(projectId, cached?.list);
    } catch (error) {
      if (cached) return cached.list; // known, if maybe stale: better than refusing spans while ClickHouse is away
      throw error;
    }
  }

  private reload(projectId: string, previous?: readonly PriceOverride[]): Promise<readonly PriceOverride[]> {
    let pending = this.loading.get(projectId);
    if (!pending) {
      pending = this.list(projectId)
        .then((list) => {
          const same = previous && JSON.stringify(previous) === JSON.stringify(list);
          const kept = same ? previous : list;
          this.cache.set(projectId, { at: Date.now(), list: kept });
          return kept;
        })
        .finally(() => this.loading.delete(projectId));
      this.loading.set(projectId, pending);
    }
    return pending;
  }
}
