export { clusterStatements } from './cluster-ddl.js';
export { renderDdl, renderStatements, runMigrations } from './migrate.js';
export type { Migration, MigrationSet, SchemaOptions } from './migration.js';
