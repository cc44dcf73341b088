import type { Migration } from './migration.js';

/**
 * Spans, all of them; LLM fields are empty on non-LLM spans.
 * Sort key: project and time lead (every list/metrics query filters on both); trace and span id end it,
 * so ReplacingMergeTree collapses a retried or redelivered span, and queries read with FINAL.
 * Message text and attribute JSON compress well with ZSTD; LowCardinality for names, models, providers.
 */
export const spansTable: Migration = {
  id: 1,
  name: 'spans',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.spans (
      project_id LowCardinality(String),
      start_time DateTime64(9) CODEC(Delta, ZSTD(1)),
      trace_id String CODEC(ZSTD(1)),
      span_id String CODEC(ZSTD(1)),
      parent_span_id String CODEC(ZSTD(1)),
      end_time DateTime64(9) CODEC(Delta, ZSTD(1)),
      duration_ns UInt64 CODEC(T64, ZSTD(1)),
      name LowCardinality(String),
      kind LowCardinality(String),
      status LowCardinality(String),
      status_message String CODEC(ZSTD(1)),
      service_name LowCardinality(String),
      scope_name LowCardinality(String),
      scope_version LowCardinality(String),
      attributes String CODEC(ZSTD(1)),
      resource String CODEC(ZSTD(1)),
      events String CODEC(ZSTD(1)),
      is_llm UInt8,
      operation LowCardinality(String),
      provider LowCardinality(String),
      request_model LowCardinality(String),
      response_model LowCardinality(String),
      input_messages String CODEC(ZSTD(1)),
      output_messages String CODEC(ZSTD(1)),
      system_instructions String CODEC(ZSTD(1)),
      tool_calls String CODEC(ZSTD(1)),
      finish_reasons Array(LowCardinality(String)),
      input_tokens Nullable(UInt32),
      output_tokens Nullable(UInt32),
      cache_read_input_tokens Nullable(UInt32),
      cache_write_input_tokens Nullable(UInt32),
      reasoning_tokens Nullable(UInt32),
      total_tokens Nullable(UInt32),
      usage_counted UInt8,
      cost_usd Nullable(Float64),
      convention LowCardinality(String),
      user_id String CODEC(ZSTD(1)),
      session_id String CODEC(ZSTD(1)),
      tags Array(String),
      metadata Map(LowCardinality(String), String),
      prompt_name LowCardinality(String),
      prompt_version LowCardinality(String),
      release LowCardinality(String),
      environment LowCardinality(String),
      ingested_at DateTime64(3) DEFAULT now64(3),
      INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
      INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 4,
      INDEX idx_session_id session_id TYPE bloom_filter(0.01) GRANULARITY 4
    )
    ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMMDD(start_time)
    ORDER BY (project_id, start_time, trace_id, span_id)
    TTL toDateTime(start_time) + INTERVAL {retentionDays} DAY DELETE
    SETTINGS ttl_only_drop_parts = 1`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.spans'],
};
