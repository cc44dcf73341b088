import type { MigrationSet } from '@driftwatch/clickhouse-migrate';

export type Quantization = 'f32' | 'bf16' | 'f16' | 'i8';

/** HNSW build settings of the vector_similarity index (see docs/adr/0002-vector-index.md for how they were chosen). */
export interface HnswSettings {
  quantization: Quantization;
  /** M: neighbours per node and layer. */
  maxConnections: number;
  /** ef_construction: candidate list size while building. */
  candidatesForConstruction: number;
}

export const DEFAULT_HNSW: HnswSettings = {
  quantization: 'bf16',
  maxConnections: 32,
  candidatesForConstruction: 128,
};

const QUANTIZATIONS: ReadonlySet<string> = new Set(['f32', 'bf16', 'f16', 'i8']);

function whole(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${what} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/**
 * The vector index's schema. One row per (project, span, field): ReplacingMergeTree keeps the latest upsert, so a
 * redelivered call is stored once. Partitioned by project, so every part (and its HNSW graph) holds one project:
 * a search scoped to a project never walks another project's vectors and partition pruning skips them.
 * The settings are part of the DDL (validated numbers and a fixed word: DDL cannot take query parameters).
 */
export function vectorSchema(dimensions: number, hnsw: HnswSettings = DEFAULT_HNSW): MigrationSet {
  whole(dimensions, 1, 4096, 'dimensions');
  whole(hnsw.maxConnections, 2, 256, 'HNSW M');
  whole(hnsw.candidatesForConstruction, 8, 4096, 'HNSW ef_construction');
  if (!QUANTIZATIONS.has(hnsw.quantization)) throw new Error(`unknown quantization ${hnsw.quantization}`);
  const index = `vector_similarity('hnsw', 'cosineDistance', ${dimensions}, '${hnsw.quantization}', ${hnsw.maxConnections}, ${hnsw.candidatesForConstruction})`;
  return {
    ledgerTable: 'vector_schema_migrations',
    retentionKey: 'vector_retention_days',
    ttlColumns: [['vectors', 'time']],
    shardedTables: new Set(['vectors']),
    migrations: [
      {
        id: 1,
        name: 'vectors',
        up: [
          `CREATE TABLE IF NOT EXISTS {db}.vectors (
            project_id LowCardinality(String),
            span_id String,
            field LowCardinality(String),
            trace_id String,
            time DateTime64(3, 'UTC'),
            model LowCardinality(String),
            release LowCardinality(String),
            topic_id Nullable(String),
            vector Array(Float32),
            updated_at DateTime64(3, 'UTC') DEFAULT now64(3),
            INDEX idx_vector vector TYPE ${index} GRANULARITY 100000000
          ) ENGINE = ReplacingMergeTree(updated_at)
          PARTITION BY project_id
          ORDER BY (project_id, span_id, field)
          TTL toDateTime(time) + INTERVAL {retentionDays} DAY DELETE`,
        ],
        down: ['DROP TABLE IF EXISTS {db}.vectors'],
      },
    ],
  };
}
