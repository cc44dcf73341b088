/**
 * A numbered schema change. Statements may use {db} and {retentionDays}, substituted from configuration
 * (identifiers and integers validated first: DDL cannot take query parameters).
 * Every statement is idempotent (IF NOT EXISTS), so a migration interrupted half-way can run again.
 */
export interface Migration {
  id: number;
  name: string;
  up: string[];
  down: string[];
}

/**
 * One schema's migrations and how they are kept: each set records what ran in its own ledger table and its
 * retention in its own settings key, so schemas owned by different libraries share a database without clashing.
 */
export interface MigrationSet {
  /** Table (in {db}) recording the ids applied, e.g. schema_migrations. */
  ledgerTable: string;
  /** Key in {db}.schema_settings holding the retention applied to ttlColumns. */
  retentionKey: string;
  /** Tables whose rows expire with the retention setting, and the time column their TTL reads. */
  ttlColumns: ReadonlyArray<readonly [table: string, column: string]>;
  /** Tables holding per-trace rows: sharded by trace id on a cluster (the others are replicated everywhere). */
  shardedTables: ReadonlySet<string>;
  migrations: readonly Migration[];
}

export interface SchemaOptions {
  database: string;
  retentionDays: number;
  /** A ClickHouse cluster name: the schema is created ON CLUSTER with Replicated and Distributed tables. */
  cluster?: string;
}
