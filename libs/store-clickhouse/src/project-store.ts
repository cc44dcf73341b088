import type { ClickHouseClient } from '@clickhouse/client';
import type { ProjectInfo, ProjectStore } from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

/**
 * Projects: few, and read on every dashboard page load, so served from memory; an old copy is answered at
 * once and reloaded in the background (no query in the way); a write drops the copy.
 */
export class ClickHouseProjectStore implements ProjectStore {
  private projects: { at: number; list: ProjectInfo[] } | null = null;
  /** Bumped by every write, so a reload that started before the write cannot put back the old list. */
  private version = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly refreshEveryMs = 5_000,
  ) {}

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
    this.invalidate();
  }

  async listProjects(): Promise<ProjectInfo[]> {
    if (this.projects) {
      if (Date.now() - this.projects.at >= this.refreshEveryMs) {
        this.projects.at = Date.now();
        this.load().catch(() => {
          if (this.projects) this.projects.at = 0;
        });
      }
      return this.projects.list;
    }
    return this.load();
  }

  async getProject(projectId: string): Promise<ProjectInfo | null> {
    return (await this.listProjects()).find((p) => p.projectId === projectId) ?? null;
  }

  /** A newer row replaces the older (ReplacingMergeTree on updated_at). */
  async saveProject(project: Omit<ProjectInfo, 'createdAt'> & { createdAt?: string }): Promise<ProjectInfo> {
    const createdAt = project.createdAt ?? new Date().toISOString();
    await this.client.insert({
      table: `${this.database}.projects`,
      values: [
        {
          project_id: project.projectId,
          name: project.name,
          retention_days: project.retentionDays,
          created_at: toClickHouseTime(Date.parse(createdAt)),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
    this.invalidate();
    return { ...project, createdAt };
  }

  private invalidate(): void {
    this.projects = null;
    this.version += 1;
  }

  private async load(): Promise<ProjectInfo[]> {
    const at = Date.now();
    const version = this.version;
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
      createdAt: fromClickHouseTime(r.created_at),
    }));
    if (version === this.version) this.projects = { at, list };
    return list;
  }
}
