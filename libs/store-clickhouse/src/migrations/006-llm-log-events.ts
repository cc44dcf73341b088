import type { Migration } from './migration.js';

/**
 * GenAI events that arrive as OTel log records (gen_ai.user.message, gen_ai.choice ...), linked to their span by
 * ids. They come on /v1/logs, often apart from the span, so they are kept here and joined when a trace is read.
 * `seq` is the record's position in its export request: a retried request collapses onto the same rows.
 */
export const llmLogEvents: Migration = {
  id: 6,
  name: 'llm_log_events',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.llm_log_events (
      project_id LowCardinality(String),
      trace_id String,
      span_id String,
      time DateTime64(9),
      seq UInt32,
      event_name LowCardinality(String),
      body String CODEC(ZSTD(3)),
      attributes String CODEC(ZSTD(3)),
      ingested_at DateTime64(3) DEFAULT now64(3)
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMMDD(time)
    ORDER BY (project_id, trace_id, span_id, time, seq, event_name)
    TTL toDateTime(time) + INTERVAL {retentionDays} DAY DELETE
    SETTINGS ttl_only_drop_parts = 1`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.llm_log_events'],
};
