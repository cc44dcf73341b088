export { ClickHouseVectorIndex, type ClickHouseVectorIndexOptions } from './clickhouse-vector-index.js';
export { DEFAULT_HNSW, vectorSchema, type HnswSettings, type Quantization } from './schema.js';
