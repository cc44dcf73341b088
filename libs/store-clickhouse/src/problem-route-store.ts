import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ProblemRoute, ProblemRouteStore } from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

interface Row {
  route_id: string;
  name: string;
  kinds: string[];
  min_severity: number;
  dimension: string;
  value: string;
  destination_ids: string[];
  remind_every_minutes: number;
  notify_resolved: number;
  enabled: number;
  created_at: string;
}

/** Problem routes per project in ClickHouse (ReplacingMergeTree read with FINAL; removal is a tombstone row). */
export class ClickHouseProblemRouteStore implements ProblemRouteStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async create(input: Omit<ProblemRoute, 'routeId' | 'createdAt'>): Promise<ProblemRoute> {
    const route: ProblemRoute = { ...input, routeId: randomUUID(), createdAt: new Date().toISOString() };
    await this.insert(route, false);
    return route;
  }

  async list(projectId: string): Promise<ProblemRoute[]> {
    const result = await this.client.query({
      query: `SELECT route_id, name, kinds, min_severity, dimension, value, destination_ids,
                     remind_every_minutes, notify_resolved, enabled, toString(created_at) AS created_at
              FROM ${this.database}.alert_problem_routes FINAL
              WHERE project_id = {projectId:String} AND deleted = 0 ORDER BY created_at`,
      query_params: { projectId },
      format: 'JSONEachRow',
    });
    return (await result.json<Row>()).map((r) => ({
      routeId: r.route_id,
      projectId,
      name: r.name,
      kinds: r.kinds,
      minSeverity: Number(r.min_severity),
      dimension: r.dimension,
      value: r.value,
      destinationIds: r.destination_ids,
      remindEveryMinutes: Number(r.remind_every_minutes),
      notifyResolved: Number(r.notify_resolved) === 1,
      enabled: Number(r.enabled) === 1,
      createdAt: fromClickHouseTime(r.created_at),
    }));
  }

  async remove(projectId: string, routeId: string): Promise<boolean> {
    const route = (await this.list(projectId)).find((r) => r.routeId === routeId);
    if (!route) return false;
    await this.insert(route, true);
    return true;
  }

  private async insert(route: ProblemRoute, deleted: boolean): Promise<void> {
    await this.client.insert({
      table: `${this.database}.alert_problem_routes`,
      values: [
        {
          project_id: route.projectId,
          route_id: route.routeId,
          name: route.name,
          kinds: route.kinds,
          min_severity: route.minSeverity,
          dimension: route.dimension,
          value: route.value,
          destination_ids: route.destinationIds,
          remind_every_minutes: route.remindEveryMinutes,
          notify_resolved: route.notifyResolved ? 1 : 0,
          enabled: route.enabled ? 1 : 0,
          deleted: deleted ? 1 : 0,
          created_at: toClickHouseTime(Date.parse(route.createdAt)),
          updated_at: toClickHouseTime(Date.now()),
        },
      ],
      format: 'JSONEachRow',
    });
  }
}
