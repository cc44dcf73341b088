import type { ClickHouseClient } from '@clickhouse/client';
import { clusterStatements } from './cluster-ddl.js';
import type { MigrationSet, SchemaOptions } from './migration.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A migration statement as the statements to run: itself on one node, its clustered form on a cluster. */
export function renderStatements(
  statement: string,
  options: SchemaOptions,
  shardedTables: ReadonlySet<string>,
): string[] {
  if (!options.cluster) return [renderDdl(statement, options)];
  if (!IDENTIFIER.test(options.cluster)) throw new Error(`invalid cluster name: ${options.cluster}`);
  return clusterStatements(statement, options.cluster, shardedTables).map((s) => renderDdl(s, options));
}

/**
 * TTLs are computed as toDateTime(time) + INTERVAL n DAY, and DateTime wraps after 2106-02-07: from about
 * 28,900 days on, today's rows would expire in the past and be deleted at the next merge. 25,000 days
 * (68 years) keeps a margin.
 */
export const MAX_RETENTION_DAYS = 25_000;

export function renderDdl(statement: string, options: SchemaOptions): string {
  if (!IDENTIFIER.test(options.database)) throw new Error(`invalid database name: ${options.database}`);
  if (
    !Number.isInteger(options.retentionDays) ||
    options.retentionDays < 1 ||
    options.retentionDays > MAX_RETENTION_DAYS
  ) {
    throw new Error(
      `retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${options.retentionDays}`,
    );
  }
  return statement
    .replaceAll('{db}', options.database)
    .replaceAll('{retentionDays}', String(options.retentionDays));
}

/**
 * Applies the set's migrations not yet recorded in its ledger, in order, then brings its retention TTL in line
 * with the configuration (only when it changed: MODIFY TTL rewrites data).
 */
export async function runMigrations(
  client: ClickHouseClient,
  options: SchemaOptions,
  set: MigrationSet,
): Promise<number[]> {
  const db = options.database;
  if (!IDENTIFIER.test(set.ledgerTable)) throw new Error(`invalid ledger table: ${set.ledgerTable}`);
  const run = async (statement: string) => {
    for (const query of renderStatements(statement, options, set.shardedTables))
      await client.command({ query });
  };
  await run('CREATE DATABASE IF NOT EXISTS {db}');
  await run(
    `CREATE TABLE IF NOT EXISTS {db}.${set.ledgerTable} (id UInt32, name String, applied_at DateTime64(3) DEFAULT now64(3))
       ENGINE = ReplacingMergeTree ORDER BY id`,
  );
  await run(
    `CREATE TABLE IF NOT EXISTS {db}.schema_settings (key String, value String, updated_at DateTime64(3) DEFAULT now64(3))
       ENGINE = ReplacingMergeTree(updated_at) ORDER BY key`,
  );
  const done = await client.query({
    query: `SELECT id FROM ${db}.${set.ledgerTable} FINAL`,
    format: 'JSONEachRow',
  });
  const applied = new Set((await done.json<{ id: number }>()).map((r) => Number(r.id)));
  const ran: number[] = [];
  for (const migration of [...set.migrations].sort((a, b) => a.id - b.id)) {
    if (applied.has(migration.id)) continue;
    for (const statement of migration.up) await run(statement);
    await client.insert({
      table: `${db}.${set.ledgerTable}`,
      values: [{ id: migration.id, name: migration.name }],
      format: 'JSONEachRow',
    });
    ran.push(migration.id);
  }
  await applyRetention(client, options, set, ran.length > 0);
  return ran;
}

async function applyRetention(
  client: ClickHouseClient,
  options: SchemaOptions,
  set: MigrationSet,
  fresh: boolean,
): Promise<void> {
  const db = options.database;
  const current = await client.query({
    query: `SELECT value FROM ${db}.schema_settings FINAL WHERE key = {key:String}`,
    query_params: { key: set.retentionKey },
    format: 'JSONEachRow',
  });
  const rows = await current.json<{ value: string }>();
  const wanted = String(options.retentionDays);
  if (rows[0]?.value === wanted) return;
  if (!fresh || rows.length > 0) {
    for (const [table, column] of set.ttlColumns) {
      const statement = `ALTER TABLE {db}.${table} MODIFY TTL toDateTime(${column}) + INTERVAL {retentionDays} DAY DELETE`;
      for (const query of renderStatements(statement, options, set.shardedTables))
        await client.command({ query });
    }
  }
  await client.insert({
    table: `${db}.schema_settings`,
    values: [{ key: set.retentionKey, value: wanted }],
    format: 'JSONEachRow',
  });
}
