import type { ClickHouseClient } from '@clickhouse/client';
import type { SamplingRateStore, SamplingWindow } from '@driftwatch/contracts';
import { classifyClickHouseError } from './errors.js';

/** Sampling windows of the embedding stage in embedding_sampling; counts are added, the engine sums them. */
export class ClickHouseSamplingRateStore implements SamplingRateStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async add(windows: readonly SamplingWindow[]): Promise<void> {
    if (windows.length === 0) return;
    try {
      await this.client.insert({
        table: `${this.database}.embedding_sampling`,
        values: windows.map((w) => ({
          project_id: w.projectId,
          window_start: Math.floor(w.windowStartMs / 1000),
          seen: w.seen,
          embedded: w.embedded,
        })),
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw classifyClickHouseError(error, `storing ${windows.length} sampling windows failed`);
    }
  }

  async windows(projectId: string, fromMs: number, toMs: number): Promise<SamplingWindow[]> {
    const result = await this.client.query({
      query: `SELECT toUnixTimestamp(window_start) AS start, sum(seen) AS seen, sum(embedded) AS embedded
              FROM ${this.database}.embedding_sampling
              WHERE project_id = {projectId:String}
                AND window_start >= toDateTime({from:UInt32}) AND window_start < toDateTime({to:UInt32})
              GROUP BY window_start ORDER BY window_start`,
      query_params: { projectId, from: Math.floor(fromMs / 1000), to: Math.ceil(toMs / 1000) },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      start: number | string;
      seen: number | string;
      embedded: number | string;
    }>();
    return rows.map((r) => ({
      projectId,
      windowStartMs: Number(r.start) * 1000,
      seen: Number(r.seen),
      embedded: Number(r.embedded),
    }));
  }
}
