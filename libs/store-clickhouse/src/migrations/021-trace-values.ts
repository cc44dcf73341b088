import type { Migration } from './migration.js';

/** A span's user and session as (field, value) pairs; empty values are left out. */
const VALUES = `SELECT project_id, kv.1 AS field, kv.2 AS value, toStartOfHour(start_time, 'UTC') AS hour, trace_id
      FROM {db}.spans ARRAY JOIN [('user', user_id), ('session', session_id)] AS kv
      WHERE kv.2 != ''`;

/**
 * Which traces have a span of a user or a session in an hour, sorted by (project, field, value, hour), so the
 * traces list's user and session filters find their traces in a few granules instead of reading every summary
 * row's user and session sets in the range (a user's traces are spread over every hour: no skip index helps).
 * Same hours as trace_summary, so a trace matches exactly when its summary rows in the range carry the value.
 * Duplicates (a retried batch, the view and the backfill both) are harmless: readers group by trace, and
 * ReplacingMergeTree collapses them in merges. Partitions by month, not day: a lookup reads a granule of every
 * part it touches, and day partitions made that 30+ granules for 30 days; expired rows go by TTL merges.
 */
export const traceValues: Migration = {
  id: 21,
  name: 'trace_values',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.trace_values (
      project_id LowCardinality(String),
      field LowCardinality(String),
      value String CODEC(ZSTD(1)),
      hour DateTime('UTC'),
      trace_id String CODEC(ZSTD(1))
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(hour)
    ORDER BY (project_id, field, value, hour, trace_id)
    TTL hour + INTERVAL {retentionDays} DAY DELETE`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.trace_values_mv TO {db}.trace_values AS
      ${VALUES}
      GROUP BY project_id, field, value, hour, trace_id`,
    // Backfill of the spans stored before this migration, streamed (no GROUP BY: memory of a block, not of the
    // store); merges collapse the duplicates. A block may hold every day of the retention.
    `INSERT INTO {db}.trace_values
      ${VALUES}
      SETTINGS max_partitions_per_insert_block = 0`,
  ],
  down: ['DROP VIEW IF EXISTS {db}.trace_values_mv', 'DROP TABLE IF EXISTS {db}.trace_values'],
};
