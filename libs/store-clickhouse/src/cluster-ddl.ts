import { clusterStatements as clusterSetStatements } from '@driftwatch/clickhouse-migrate';

/** The span store's per-trace tables: sharded by trace id on a cluster. */
export const SHARDED_TABLES: ReadonlySet<string> = new Set([
  'spans',
  'trace_index',
  'trace_summary',
  'trace_values',
  'dead_letters',
  'llm_log_events',
]);

/** The clustered form of a span-store migration statement (see @driftwatch/clickhouse-migrate). */
export function clusterStatements(statement: string, cluster: string): string[] {
  return clusterSetStatements(statement, cluster, SHARDED_TABLES);
}
