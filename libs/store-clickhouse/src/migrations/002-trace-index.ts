import type { Migration } from './migration.js';

/**
 * Fast path from a trace id to its time range: spans are sorted by time, so looking a trace up by id
 * alone would scan; this small table sorted by (project, trace) gives the range to read.
 */
export const traceIndex: Migration = {
  id: 2,
  name: 'trace_index',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.trace_index (
      project_id LowCardinality(String),
      trace_id String,
      start_min SimpleAggregateFunction(min, DateTime64(9)),
      start_max SimpleAggregateFunction(max, DateTime64(9))
    )
    ENGINE = AggregatingMergeTree
    ORDER BY (project_id, trace_id)
    TTL toDateTime(start_max) + INTERVAL {retentionDays} DAY DELETE`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.trace_index_mv TO {db}.trace_index AS
      SELECT project_id, trace_id, min(start_time) AS start_min, max(start_time) AS start_max
      FROM {db}.spans GROUP BY project_id, trace_id`,
  ],
  down: ['DROP VIEW IF EXISTS {db}.trace_index_mv', 'DROP TABLE IF EXISTS {db}.trace_index'],
};
