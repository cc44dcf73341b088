import type { ClickHouseClient } from '@clickhouse/client';
import {
  renderStatements as renderSetStatements,
  runMigrations,
  type SchemaOptions,
} from '@driftwatch/clickhouse-migrate';
import { SHARDED_TABLES } from './cluster-ddl.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type { SchemaOptions } from '@driftwatch/clickhouse-migrate';

/** Tables whose rows expire with the retention setting, and the time column their TTL reads. */
const TTL_COLUMNS = [
  ['spans', 'start_time'],
  ['trace_index', 'start_max'],
  ['trace_summary', 'hour'],
  ['metrics_rollup', 'hour'],
  ['metrics_rollup_hours', 'hour'],
  ['trace_values', 'hour'],
  ['llm_log_events', 'time'],
  ['embedding_sampling', 'window_start'],
  ['feedback', 'received_at'],
  ['topic_assignments', 'time'],
] as const;

/** A span-store migration statement as the statements to run on one node or on a cluster. */
export function renderStatements(statement: string, options: SchemaOptions): string[] {
  return renderSetStatements(statement, options, SHARDED_TABLES);
}

/** Applies the span store's migrations (ledger schema_migrations) and its retention TTL. */
export async function migrate(
  client: ClickHouseClient,
  options: SchemaOptions,
  migrations: readonly Migration[] = allMigrations,
): Promise<number[]> {
  return runMigrations(client, options, {
    ledgerTable: 'schema_migrations',
    retentionKey: 'retention_days',
    ttlColumns: TTL_COLUMNS,
    shardedTables: SHARDED_TABLES,
    migrations,
  });
}
