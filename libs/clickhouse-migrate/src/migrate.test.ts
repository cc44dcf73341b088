// Two schemas in one database (as the span store and the vector index share one): each keeps its own ledger and
// retention, so neither mistakes the other's migrations for its own, and a retention change touches only its tables.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { describe, expect, it } from 'vitest';
import { runMigrations } from './migrate.js';
import type { MigrationSet } from './migration.js';

type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
const client = createClient({
  connection: createChdbConnection({
    path: mkdtempSync(join(tmpdir(), 'dw-migrate-')),
  }) as unknown as Connection,
});

const table = (name: string) => ({
  id: 1,
  name,
  up: [
    `CREATE TABLE IF NOT EXISTS {db}.${name} (project_id String, time DateTime64(3))
     ENGINE = MergeTree ORDER BY project_id TTL toDateTime(time) + INTERVAL {retentionDays} DAY DELETE`,
  ],
  down: [],
});
const set = (name: string, ledgerTable: string, retentionKey: string): MigrationSet => ({
  ledgerTable,
  retentionKey,
  ttlColumns: [[name, 'time']],
  shardedTables: new Set([name]),
  migrations: [table(name)],
});
const ttl = async (db: string, name: string) => {
  const result = await client.query({
    query:
      'SELECT create_table_query AS q FROM system.tables WHERE database = {db:String} AND name = {name:String}',
    query_params: { db, name },
    format: 'JSONEachRow',
  });
  const found = /(?:INTERVAL |toIntervalDay\()(\d+)/.exec((await result.json<{ q: string }>())[0]?.q ?? '');
  return found?.[1];
};

describe('runMigrations with two migration sets in one database', () => {
  it('keeps their ledgers and retention apart', async () => {
    const db = `migrate_${process.pid}`;
    const spans = set('spans_t', 'schema_migrations', 'retention_days');
    const vectors = set('vectors_t', 'vector_schema_migrations', 'vector_retention_days');

    expect(await runMigrations(client, { database: db, retentionDays: 30 }, spans)).toEqual([1]);
    // Same migration id 1 in the other set: it still runs, because its ledger is its own.
    expect(await runMigrations(client, { database: db, retentionDays: 30 }, vectors)).toEqual([1]);
    expect(await runMigrations(client, { database: db, retentionDays: 30 }, vectors)).toEqual([]);

    await runMigrations(client, { database: db, retentionDays: 7 }, vectors);
    expect(await ttl(db, 'vectors_t')).toBe('7');
    expect(await ttl(db, 'spans_t')).toBe('30');
    await runMigrations(client, { database: db, retentionDays: 30 }, spans);
    expect(await ttl(db, 'vectors_t')).toBe('7');
  });
});
