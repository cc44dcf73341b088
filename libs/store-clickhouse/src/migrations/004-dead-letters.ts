import type { Migration } from './migration.js';

/** Spans that could never be stored, kept with the reason, so nothing is dropped silently. */
export const deadLetters: Migration = {
  id: 4,
  name: 'dead_letters',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.dead_letters (
      project_id LowCardinality(String),
      received_at DateTime64(3) DEFAULT now64(3),
      reason String,
      trace_id String,
      span_id String,
      payload String CODEC(ZSTD(3))
    ) ENGINE = MergeTree
    PARTITION BY toYYYYMM(received_at)
    ORDER BY (project_id, received_at)`,
  ],
  down: ['DROP TABLE IF EXISTS {db}.dead_letters'],
};
