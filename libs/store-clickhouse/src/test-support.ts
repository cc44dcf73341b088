import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { createEmbeddedClickHouse } from './clients.js';

let shared: ClickHouseClient | null = null;
let counter = 0;

/** One chDB data directory per test process (libchdb binds one per process); a fresh database per call. */
export function embeddedForTests(): { client: ClickHouseClient; database: string } {
  shared ??= createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-chdb-')));
  counter += 1;
  return { client: shared, database: `test_${process.pid}_${counter}` };
}
