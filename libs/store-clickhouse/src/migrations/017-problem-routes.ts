import type { Migration } from './migration.js';

/** Routes from problems to alert destinations (a change or a removal is a new row with a later updated_at). */
export const problemRoutes: Migration = {
  id: 17,
  name: 'problem-routes',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.alert_problem_routes (
      project_id String,
      route_id String,
      name String,
      kinds Array(LowCardinality(String)),
      min_severity Float64,
      dimension LowCardinality(String),
      value String,
      destination_ids Array(String),
      remind_every_minutes UInt32,
      notify_resolved UInt8,
      enabled UInt8 DEFAULT 1,
      deleted UInt8 DEFAULT 0,
      created_at DateTime64(3) DEFAULT now64(3),
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (project_id, route_id)`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.alert_problem_routes'],
};
