export { createEmbeddedClickHouse, createServerClickHouse, type ClickHouseServerOptions } from './clients.js';
export { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
export { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
export { InvalidCursorError } from './cursor.js';
export { migrate, type SchemaOptions } from './migrate.js';
export { ApiKeyStore, apiKeyPrefix, type ApiKeyInfo, type ProjectInfo } from './api-key-store.js';
export { UserStore, type StoredUser, type UserRole } from './user-store.js';
export { ProjectPriceStore } from './project-price-store.js';
