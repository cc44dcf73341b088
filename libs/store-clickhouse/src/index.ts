export { createEmbeddedClickHouse, createServerClickHouse, type ClickHouseServerOptions } from './clients.js';
export { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
export { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
export { InvalidCursorError } from './cursor.js';
export { migrate, type SchemaOptions } from './migrate.js';
export { ClickHouseApiKeyStore, apiKeyPrefix, generateApiKey, isWellFormedApiKey } from './api-key-store.js';
export { ClickHouseProjectStore } from './project-store.js';
export { ClickHouseRetentionStore } from './retention-store.js';
export { ClickHouseUserStore } from './user-store.js';
