import type { Migration } from './migration.js';

/**
 * feedback: end-user feedback and scores, one row per item. The id is derived from (project, idempotency key),
 * so a retried item lands on the same sort key and FINAL shows it once even when two retries raced past the
 * writer's duplicate check. Not partitioned by time: a retry must meet its first copy in the same part set.
 * trace_id is '' when the item named only a span; reads resolve it through the spans. Expires with retention,
 * by arrival time (a client's old timeMs must not make an item vanish on arrival).
 * feedback_settings: per project, allowed browser origins and how each feedback name is judged (JSON).
 */
export const feedback: Migration = {
  id: 15,
  name: 'feedback',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.feedback (
      project_id LowCardinality(String),
      feedback_id String,
      trace_id String,
      span_id String,
      name LowCardinality(String),
      value_type Enum8('boolean' = 1, 'number' = 2, 'string' = 3),
      value_number Float64,
      value_string String,
      comment String CODEC(ZSTD(3)),
      correction String CODEC(ZSTD(3)),
      user_id String,
      metadata Map(String, String),
      idempotency_key String,
      source LowCardinality(String),
      time DateTime64(3),
      received_at DateTime64(3),
      INDEX idx_trace trace_id TYPE bloom_filter(0.01) GRANULARITY 4,
      INDEX idx_span span_id TYPE bloom_filter(0.01) GRANULARITY 4
    ) ENGINE = ReplacingMergeTree
    ORDER BY (project_id, feedback_id)
    TTL toDateTime(received_at) + INTERVAL {retentionDays} DAY DELETE`,
    `CREATE TABLE IF NOT EXISTS {db}.feedback_settings (
      project_id String,
      settings String,
      updated_at DateTime64(3) DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY project_id`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.feedback_settings', 'DROP TABLE IF EXISTS {db}.feedback'],
};
