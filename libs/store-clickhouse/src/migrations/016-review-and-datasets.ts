import type { Migration } from './migration.js';

/**
 * Review queues and datasets. Small tables keyed so that a repeated write lands on the same sort key
 * (ReplacingMergeTree, read with FINAL): adding a trace twice, a double-submitted judgement and a retried
 * claim are each one row. Dataset versions are immutable: their items are written once under a version number
 * that is only published (dataset_versions row) after every item is stored.
 */
export const reviewAndDatasets: Migration = {
  id: 16,
  name: 'review_and_datasets',
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.review_rubrics (
      project_id String,
      rubric String,
      updated_at DateTime64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY project_id`,
    `CREATE TABLE IF NOT EXISTS {db}.review_queues (
      project_id LowCardinality(String),
      queue_id String,
      definition String,
      created_at DateTime64(3),
      updated_at DateTime64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (project_id, queue_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.review_items (
      project_id LowCardinality(String),
      queue_id String,
      item_id String,
      trace_id String,
      span_id String,
      added_at DateTime64(3),
      added_by String
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, queue_id, item_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.review_claims (
      project_id LowCardinality(String),
      queue_id String,
      item_id String,
      reviewer_id String,
      kind Enum8('assigned' = 1, 'claimed' = 2),
      released UInt8,
      claimed_at DateTime64(3),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY (project_id, queue_id, item_id, reviewer_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.review_judgements (
      project_id LowCardinality(String),
      queue_id String,
      item_id String,
      reviewer_id String,
      scores String,
      label String,
      corrected_answer String CODEC(ZSTD(3)),
      comment String CODEC(ZSTD(3)),
      created_at DateTime64(3),
      updated_at DateTime64(3)
    ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (project_id, queue_id, item_id, reviewer_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.datasets (
      project_id LowCardinality(String),
      dataset_id String,
      name String,
      description String,
      created_at DateTime64(3),
      created_by String
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, dataset_id)`,
    `CREATE TABLE IF NOT EXISTS {db}.dataset_versions (
      project_id LowCardinality(String),
      dataset_id String,
      version UInt32,
      item_count UInt64,
      source String,
      note String,
      created_at DateTime64(3),
      created_by String
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, dataset_id, version)`,
    `CREATE TABLE IF NOT EXISTS {db}.dataset_items (
      project_id LowCardinality(String),
      dataset_id String,
      version UInt32,
      position UInt32,
      trace_id String,
      span_id String,
      input String CODEC(ZSTD(3)),
      expected String CODEC(ZSTD(3)),
      metadata String CODEC(ZSTD(3))
    ) ENGINE = ReplacingMergeTree ORDER BY (project_id, dataset_id, version, position)`,
  ],
  down: [
    'DROP TABLE IF EXISTS {db}.dataset_items',
    'DROP TABLE IF EXISTS {db}.dataset_versions',
    'DROP TABLE IF EXISTS {db}.datasets',
    'DROP TABLE IF EXISTS {db}.review_judgements',
    'DROP TABLE IF EXISTS {db}.review_claims',
    'DROP TABLE IF EXISTS {db}.review_items',
    'DROP TABLE IF EXISTS {db}.review_queues',
    'DROP TABLE IF EXISTS {db}.review_rubrics',
  ],
};
