import type { ClickHouseClient } from '@clickhouse/client';
import type { RetentionStore } from '@driftwatch/contracts';

/** Per-project retention by lightweight DELETE (marks rows; merges drop them). */
export class ClickHouseRetentionStore implements RetentionStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async deleteSpansOlderThan(projectId: string, days: number): Promise<void> {
    await this.client.command({
      query: `DELETE FROM ${this.database}.spans WHERE project_id = {projectId:String}
              AND start_time < now64(9) - toIntervalDay({days:UInt32})`,
      query_params: { projectId, days },
    });
    // The metrics rollup's hours that started before the cutoff (migration 020): without their rows (and the
    // record that they were rolled up) they are read from the spans left, so the hour cut in two counts right.
    for (const table of ['metrics_rollup', 'metrics_rollup_hours'])
      await this.client.command({
        query: `DELETE FROM ${this.database}.${table} WHERE project_id = {projectId:String}
                AND hour < now64(3) - toIntervalDay({days:UInt32})`,
        query_params: { projectId, days },
      });
    // The topics assigned to those calls go with them (topic_assignments, migration 014).
    await this.client.command({
      query: `DELETE FROM ${this.database}.topic_assignments WHERE project_id = {projectId:String}
              AND time < now64(3) - toIntervalDay({days:UInt32})`,
      query_params: { projectId, days },
    });
  }
}
