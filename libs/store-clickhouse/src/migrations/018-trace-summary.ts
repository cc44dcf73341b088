import type { Migration } from './migration.js';

/** A span's contribution to the summary's sets, as arrays of zero or one element. */
const LLM_MODELS = `if(is_llm = 1 AND (response_model != '' OR request_model != ''),
          [toString(if(response_model != '', response_model, request_model))], [])`;
const MATCH_MODELS = `arrayFilter(m -> m != '', [toString(request_model), toString(response_model)])`;
const PROVIDERS = `if(provider != '', [toString(provider)], [])`;
const USER_IDS = `if(user_id != '', [user_id], [])`;
const SESSION_IDS = `if(session_id != '', [session_id], [])`;
const CALLS = `if(usage_counted = 1,
          [(cityHash64(span_id), if(parent_span_id = '', 0, cityHash64(parent_span_id)),
            toUInt64(ifNull(input_tokens, 0)), toUInt64(ifNull(output_tokens, 0)), cost_usd, usage_estimated)], [])`;

const SUMMARY_SELECT = `SELECT project_id,
        toStartOfHour(start_time, 'UTC') AS hour,
        trace_id,
        min(start_time) AS start_min,
        max(start_time) AS start_max,
        max(end_time) AS end_max,
        argMinState(toString(name), (toUInt8(parent_span_id != ''), start_time)) AS root,
        uniqExactState(cityHash64(span_id)) AS span_ids,
        max(toUInt8(status = 'error')) AS has_error,
        groupUniqArrayArray(${LLM_MODELS}) AS llm_models,
        groupUniqArrayArray(${MATCH_MODELS}) AS match_models,
        groupUniqArrayArray(${PROVIDERS}) AS providers,
        groupUniqArrayArray(${USER_IDS}) AS user_ids,
        groupUniqArrayArray(${SESSION_IDS}) AS session_ids,
        groupUniqArrayArray(${CALLS}) AS calls
      FROM {db}.spans `;

/**
 * Per-trace rows maintained at write time, so the traces list groups a few rows per trace instead of its spans.
 * One row per (project, hour of a span's start, trace) and insert; AggregatingMergeTree merges them, and readers
 * merge what is not merged yet (GROUP BY trace_id). The hour leads the sort key after the project, so a time
 * range reads only its hours; ttl_only_drop_parts with the same day partitions as spans. Readers look traces up
 * by id within a range (the page's traces, the traces a filter picked): the trace id bloom filter skips the rest
 * (a session's traces over 30 days at 10M spans: 4.4 s -> 0.9 s of CPU).
 *
 * No FINAL is needed and a retried or redelivered batch counts once: every state is idempotent under duplicate
 * spans (min/max, argMin, uniqExact of span ids, sets). Tokens and cost are kept per model call as
 * (span id hash, parent span id hash or 0, input, output, cost, estimated) in a set, so the reader dedupes them
 * by span id and applies the counted-usage rule (counted-usage.ts) over the whole trace.
 */
export const traceSummary: Migration = {
  id: 18,
  name: 'trace_summary',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.trace_summary (
      project_id LowCardinality(String),
      hour DateTime('UTC'),
      trace_id String CODEC(ZSTD(1)),
      start_min SimpleAggregateFunction(min, DateTime64(9)) CODEC(ZSTD(1)),
      start_max SimpleAggregateFunction(max, DateTime64(9)) CODEC(ZSTD(1)),
      end_max SimpleAggregateFunction(max, DateTime64(9)) CODEC(ZSTD(1)),
      root AggregateFunction(argMin, String, Tuple(UInt8, DateTime64(9))) CODEC(ZSTD(1)),
      span_ids AggregateFunction(uniqExact, UInt64) CODEC(ZSTD(1)),
      has_error SimpleAggregateFunction(max, UInt8),
      llm_models SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
      match_models SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
      providers SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
      user_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
      session_ids SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
      calls SimpleAggregateFunction(groupUniqArrayArray,
        Array(Tuple(UInt64, UInt64, UInt64, UInt64, Nullable(Float64), UInt8))) CODEC(ZSTD(1)),
      INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
      INDEX idx_user_ids user_ids TYPE bloom_filter(0.01) GRANULARITY 4,
      INDEX idx_session_ids session_ids TYPE bloom_filter(0.01) GRANULARITY 4
    )
    ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMMDD(hour)
    ORDER BY (project_id, hour, trace_id)
    TTL hour + INTERVAL {retentionDays} DAY DELETE
    SETTINGS ttl_only_drop_parts = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.trace_summary_mv TO {db}.trace_summary AS
      ${SUMMARY_SELECT}GROUP BY project_id, hour, trace_id`,
    // Backfill of the spans stored before this migration: one row per span, states built per row (arrayReduce),
    // so it streams with the memory of a block however many spans there are (a GROUP BY held them all: 3 GB at
    // 1M spans); merges then collapse the rows. Idempotent (the states are), so a migration interrupted and run
    // again, or spans that reached both the view and this backfill, count once. A block may hold every day of the
    // retention (partitions are days), so the per-insert partition limit (100) is lifted for this statement.
    // The columns named: later migrations add columns (022) that take their DEFAULTs here.
    `INSERT INTO {db}.trace_summary (project_id, hour, trace_id, start_min, start_max, end_max, root, span_ids,
        has_error, llm_models, match_models, providers, user_ids, session_ids, calls)
      SELECT project_id,
        toStartOfHour(start_time, 'UTC') AS hour,
        trace_id,
        start_time AS start_min,
        start_time AS start_max,
        end_time AS end_max,
        arrayReduce('argMinState', [toString(name)], [(toUInt8(parent_span_id != ''), start_time)]) AS root,
        arrayReduce('uniqExactState', [cityHash64(span_id)]) AS span_ids,
        toUInt8(status = 'error') AS has_error,
        ${LLM_MODELS} AS llm_models,
        ${MATCH_MODELS} AS match_models,
        ${PROVIDERS} AS providers,
        ${USER_IDS} AS user_ids,
        ${SESSION_IDS} AS session_ids,
        ${CALLS} AS calls
      FROM {db}.spans
      SETTINGS max_partitions_per_insert_block = 0`,
  ],
  down: ['DROP VIEW IF EXISTS {db}.trace_summary_mv', 'DROP TABLE IF EXISTS {db}.trace_summary'],
};
