import type { Migration } from './migration.js';

/**
 * embedding_sampling: per project and minute of call time, the LLM calls the embedding stage saw and the ones
 * it embedded (it samples when it cannot keep up). Counts are added by every flush of every embedder process
 * and summed by the engine, so readers sum them again (merges are eventual). Id 12: 8, 9 and 11 are left to
 * branches in flight.
 */
export const embeddingSampling: Migration = {
  id: 12,
  name: 'embedding_sampling',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.embedding_sampling (
      project_id LowCardinality(String),
      window_start DateTime,
      seen SimpleAggregateFunction(sum, UInt64),
      embedded SimpleAggregateFunction(sum, UInt64)
    ) ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMM(window_start)
    ORDER BY (project_id, window_start)
    TTL window_start + INTERVAL {retentionDays} DAY DELETE`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.embedding_sampling'],
};
