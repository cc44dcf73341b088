export { clusterStatements } from './cluster-ddl.js';
export { MAX_RETENTION_DAYS, renderDdl, renderStatements, runMigrations } from './migrate.js';
export type { Migration, MigrationSet, SchemaOptions } from './migration.js';
