import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';

/** Inserts of bytes already in ClickHouse's RowBinary format, beside a client that cannot send them. */
export interface RawInsert {
  /** INSERT INTO table (columns) of RowBinary rows; resolves once the rows are stored. */
  rowBinary(
    table: string,
    columns: readonly (readonly [name: string, type: string])[],
    body: Buffer,
  ): Promise<void>;
  /** Waits for the inserts in flight. */
  close(): Promise<void>;
}

const registry = new WeakMap<ClickHouseClient, RawInsert>();

export function registerRawInsert(client: ClickHouseClient, raw: RawInsert): void {
  registry.set(client, raw);
}

/** The binary insert path registered for this client, or null (a ClickHouse server: JSONEachRow). */
export function rawInsertFor(client: ClickHouseClient): RawInsert | null {
  return registry.get(client) ?? null;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * RowBinary into chDB through a file: `INSERT INTO t (cols) SELECT * FROM file(path, RowBinary, structure)`.
 * Not inline (`INSERT ... FORMAT RowBinary\n<bytes>`): chDB splits a query text into statements and ends
 * inline data at the first blank line, so any "\n\n" in the bytes (message text, an Int64) cuts the insert
 * short; chdb's raw Buffer insert takes text formats only and its @clickhouse/client connection turns
 * every insert body into a string. Writing the file is a copy into the page cache on a libuv thread,
 * cheaper than building and parsing JSON. One INSERT ... SELECT is one insert, as before; a batch retried
 * after a failure collapses onto rows already stored (ReplacingMergeTree), as before.
 *
 * One file per insert in `<data dir>/insert-spool`, removed when the insert ends (success or not); files
 * another process left there (killed mid-insert: chDB holds a data directory in one process at a time)
 * are removed at the first insert.
 */
export function createEmbeddedRawInsert(client: ClickHouseClient, dataPath: string): RawInsert {
  const dir = resolve(dataPath, 'insert-spool'); // absolute: file() reads relative paths from user_files
  const prefix = `${process.pid}-${randomBytes(4).toString('hex')}-`;
  let ready = false;
  let seq = 0;
  const inFlight = new Set<Promise<unknown>>();
  return {
    async rowBinary(table, columns, body) {
      if (!ready) {
        mkdirSync(dir, { recursive: true });
        for (const name of readdirSync(dir)) {
          if (!name.startsWith(`${process.pid}-`)) rmSync(join(dir, name), { force: true });
        }
        ready = true;
      }
      const file = join(dir, `${prefix}${++seq}.rowbinary`);
      const names = columns.map(([name]) => name).join(', ');
      const structure = columns.map(([name, type]) => `${name} ${type}`).join(', ');
      const run = (async () => {
        try {
          await writeFile(file, body);
          await client.command({
            query: `INSERT INTO ${table} (${names}) SELECT * FROM file(${quote(file)}, 'RowBinary', ${quote(structure)})`,
          });
        } finally {
          await rm(file, { force: true });
        }
      })();
      inFlight.add(run);
      try {
        await run;
      } finally {
        inFlight.delete(run);
      }
    },
    async close() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
