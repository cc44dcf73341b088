import type { Migration } from './migration.js';

/**
 * Topics: fitted models per project (one row per version; topics and the 2-D map as JSON, read whole), the topics
 * of each version as rows (for SQL that groups by topic), lineage events between versions, the topic of every
 * assigned call (a re-assignment replaces it: ReplacingMergeTree on (project, span, field) by version) and the
 * fitting lease (one fitter per project; first live lease wins, as alert-lease.ts).
 */
export const topics: Migration = {
  id: 14,
  name: 'topics',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.topic_models (
      project_id String,
      version UInt32,
      fitted_at DateTime64(3, 'UTC'),
      window_from DateTime64(3, 'UTC'),
      window_to DateTime64(3, 'UTC'),
      sample_size UInt32,
      dimensions UInt32,
      novelty_quantile Float64,
      next_topic_number UInt32,
      topics String CODEC(ZSTD(3)),
      map String CODEC(ZSTD(3))
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, version)`,
    `CREATE TABLE IF NOT EXISTS {db}.topics (
      project_id String,
      version UInt32,
      topic_id String,
      label String,
      terms Array(String),
      radius Float64,
      size UInt32,
      centroid Array(Float32)
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, version, topic_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.topic_lineage (
      project_id String,
      version UInt32,
      kind LowCardinality(String),
      from_ids Array(String),
      into_ids Array(String),
      at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY (project_id, version)`,
    `CREATE TABLE IF NOT EXISTS {db}.topic_assignments (
      project_id String,
      span_id String,
      field LowCardinality(String),
      trace_id String,
      time DateTime64(3, 'UTC'),
      model LowCardinality(String),
      release LowCardinality(String),
      topic_id String,
      model_version UInt32,
      distance Float32,
      novelty Float32,
      novel UInt8,
      updated UInt64,
      INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4
    ) ENGINE = ReplacingMergeTree(updated)
    PARTITION BY toYYYYMM(time)
    ORDER BY (project_id, span_id, field)
    TTL toDateTime(time) + INTERVAL {retentionDays} DAY DELETE`,
    `CREATE TABLE IF NOT EXISTS {db}.topic_leases (
      project_id String,
      claimant String,
      leased_at DateTime64(6) DEFAULT now64(6),
      lease_ms UInt32
    ) ENGINE = MergeTree ORDER BY (project_id, leased_at)
    TTL toDateTime(leased_at) + INTERVAL 7 DAY DELETE`,
  ],
  down: [
    'DROP TABLE IF EXISTS {db}.topic_leases',
    'DROP TABLE IF EXISTS {db}.topic_assignments',
    'DROP TABLE IF EXISTS {db}.topic_lineage',
    'DROP TABLE IF EXISTS {db}.topics',
    'DROP TABLE IF EXISTS {db}.topic_models',
  ],
};
