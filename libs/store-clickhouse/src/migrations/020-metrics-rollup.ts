import type { Migration } from './migration.js';

/**
 * The metrics summary's rollup: the model calls of closed hours, aggregated per (project, hour, model, release,
 * environment), so a 30-day summary merges a few thousand rows instead of reading millions of spans with FINAL.
 *
 * Retried and redelivered spans must count once, and sums are not idempotent, so rows are never fed span by span:
 * `metrics_rollup_hours` records per project and hour when spans last arrived (`changed_at`, kept by the view
 * below at write time) and when the hour was last rolled up (`rolled_up_at`). MetricsRollup (metrics-rollup.ts,
 * run by the writer role) rolls up the closed hours whose spans changed since (once they are quiet for a minute),
 * from the spans read with FINAL,
 * every row of one pass carrying its `version`; readers use the rows of an hour's latest version, and only for
 * hours that did not change since (the others, the open hour and the range's partial hours are read from the
 * spans). So counts and sums are exact whatever arrives late or twice; latency quantiles are merged from the
 * same 8192-value reservoir states the spans query uses (exact up to 8192 calls, sampled beyond, as before); they
 * keep the default codec (LZ4): samples barely compress, and every summary decompresses them. Both tables expire
 * by whole days, as the spans do (ttl_only_drop_parts): an hour whose rollup expired while its spans are still
 * kept would be read from the spans (the oldest day of a 30-day range, at 30 days' retention).
 *
 * A call's usage is left out when a counted span of its trace starting in its hour, or within 10 minutes of it, is
 * its child (counted-usage.ts, metrics-calls.ts), so such a child marks the neighbouring hour as changed too.
 */
export const metricsRollup: Migration = {
  id: 20,
  name: 'metrics_rollup',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.metrics_rollup (
      project_id LowCardinality(String),
      hour DateTime('UTC'),
      model LowCardinality(String),
      release LowCardinality(String),
      environment LowCardinality(String),
      requests UInt64,
      errors UInt64,
      input_tokens UInt64,
      output_tokens UInt64,
      cost_usd Float64,
      latency AggregateFunction(quantiles(0.5, 0.95, 0.99), UInt64),
      version DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree(version)
    PARTITION BY toYYYYMMDD(hour)
    ORDER BY (project_id, hour, model, release, environment)
    TTL hour + INTERVAL {retentionDays} DAY DELETE
    SETTINGS ttl_only_drop_parts = 1`,
    `CREATE TABLE IF NOT EXISTS {db}.metrics_rollup_hours (
      project_id LowCardinality(String),
      hour DateTime('UTC'),
      changed_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
      rolled_up_at SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
    )
    ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMMDD(hour)
    ORDER BY (project_id, hour)
    TTL hour + INTERVAL {retentionDays} DAY DELETE
    SETTINGS ttl_only_drop_parts = 1`,
    // A span marks its hour, and a counted child within 10 minutes of an edge the neighbouring hour, whose
    // calls it may decide (EDGE_SECONDS and countedCallCondition in metrics-calls.ts).
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.metrics_rollup_hours_mv TO {db}.metrics_rollup_hours AS
      SELECT project_id,
        toDateTime(arrayJoin(arrayFilter(x -> x != 0, [h,
          if(child AND s - h < 600, h - 3600, 0),
          if(child AND s - h >= 3000, h + 3600, 0)])), 'UTC') AS hour,
        max(now64(3, 'UTC')) AS changed_at,
        fromUnixTimestamp64Milli(toInt64(0), 'UTC') AS rolled_up_at
      FROM (
        SELECT project_id, toUInt32(toStartOfHour(start_time, 'UTC')) AS h, toUInt32(toUnixTimestamp(start_time)) AS s,
          usage_counted = 1 AND parent_span_id != '' AS child
        FROM {db}.spans )
      GROUP BY project_id, hour`,
    // The spans stored before this migration: every hour holding spans is marked as never rolled up (changed
    // "at" 1 ms after the epoch, so one pass of MetricsRollup makes it clean). The rollup itself is then built
    // by MetricsRollup, 24 hours per statement, in the background: a statement's memory is a day's calls, and
    // the server starts at once (reads of the hours not rolled up yet go to the spans meanwhile).
    `INSERT INTO {db}.metrics_rollup_hours
      SELECT project_id, toStartOfHour(start_time, 'UTC') AS hour,
        fromUnixTimestamp64Milli(toInt64(1), 'UTC') AS changed_at,
        fromUnixTimestamp64Milli(toInt64(0), 'UTC') AS rolled_up_at
      FROM {db}.spans GROUP BY project_id, hour
      SETTINGS max_partitions_per_insert_block = 0`,
  ],
  down: [
    'DROP VIEW IF EXISTS {db}.metrics_rollup_hours_mv',
    'DROP TABLE IF EXISTS {db}.metrics_rollup_hours',
    'DROP TABLE IF EXISTS {db}.metrics_rollup',
  ],
};
