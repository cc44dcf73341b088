import type { ClickHouseClient } from '@clickhouse/client';
import type { FeedbackSettings, FeedbackSettingsStore } from '@driftwatch/contracts';
import { toClickHouseTime } from './clickhouse-time.js';
import { classifyClickHouseError } from './errors.js';

export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = {
  allowedOrigins: [],
  names: [],
  requireConfiguredNames: false,
};

/** The stored JSON (written from a validated request); anything unreadable reads as the defaults. */
function parseSettings(json: string): FeedbackSettings {
  try {
    const raw = JSON.parse(json) as Partial<FeedbackSettings>;
    return {
      allowedOrigins: Array.isArray(raw.allowedOrigins) ? raw.allowedOrigins : [],
      names: Array.isArray(raw.names) ? raw.names : [],
      requireConfiguredNames: raw.requireConfiguredNames === true,
    };
  } catch {
    return DEFAULT_FEEDBACK_SETTINGS;
  }
}

/**
 * A project's feedback settings, one row per project replaced as a whole. current() and anyProjectAllows() serve
 * hot paths (CORS, validation): read again once older than refreshEveryMs (another process may have changed them).
 */
export class ClickHouseFeedbackSettingsStore implements FeedbackSettingsStore {
  private all = new Map<string, FeedbackSettings>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly refreshEveryMs = 5_000,
  ) {}

  async get(projectId: string): Promise<FeedbackSettings> {
    await this.refresh(true);
    return this.all.get(projectId) ?? DEFAULT_FEEDBACK_SETTINGS;
  }

  async replace(projectId: string, settings: FeedbackSettings): Promise<void> {
    try {
      await this.client.insert({
        table: `${this.database}.feedback_settings`,
        values: [
          {
            project_id: projectId,
            settings: JSON.stringify(settings),
            updated_at: toClickHouseTime(Date.now()),
          },
        ],
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw classifyClickHouseError(error, 'feedback settings insert failed');
    }
    this.all.set(projectId, settings);
  }

  async current(projectId: string): Promise<FeedbackSettings> {
    await this.refresh(false);
    return this.all.get(projectId) ?? DEFAULT_FEEDBACK_SETTINGS;
  }

  async anyProjectAllows(origin: string): Promise<boolean> {
    await this.refresh(false);
    for (const settings of this.all.values())
      if (settings.allowedOrigins.includes('*') || settings.allowedOrigins.includes(origin)) return true;
    return false;
  }

  /** All projects' settings (a few rows): one read serves every project; a failed re-read keeps the last. */
  private async refresh(force: boolean): Promise<void> {
    if (!force && this.loadedAt > 0 && Date.now() - this.loadedAt < this.refreshEveryMs) return;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    try {
      await this.loading;
    } catch (error) {
      if (this.loadedAt === 0 || force) throw error;
    }
  }

  private async load(): Promise<void> {
    try {
      const result = await this.client.query({
        query: `SELECT project_id, settings FROM ${this.database}.feedback_settings FINAL`,
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ project_id: string; settings: string }>();
      this.all = new Map(rows.map((r) => [r.project_id, parseSettings(r.settings)]));
      this.loadedAt = Date.now();
    } catch (error) {
      throw classifyClickHouseError(error, 'feedback settings query failed');
    }
  }
}
