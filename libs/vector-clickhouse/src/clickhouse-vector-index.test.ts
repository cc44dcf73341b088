// The VectorIndex contract on ClickHouse's HNSW index in chDB (a temp data dir), and on a ClickHouse server URL
// where nothing listens (the server path must fail retryably and report not ready).
// The assertions are in the shared suite: libs/contract-tests/src/vector-index.contract.ts (expect per case).
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { vectorIndexContract } from '@driftwatch/contract-tests';
import { createChdbConnection } from 'chdb/connection';
import { ClickHouseVectorIndex } from './clickhouse-vector-index.js';

type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;
let chdb: ClickHouseClient | null = null;
let databases = 0;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

vectorIndexContract('ClickHouse vector_similarity HNSW (chDB)', {
  async create({ maxSampleSize }) {
    // libchdb binds one data directory per process: one client for the file, a fresh database per index.
    chdb ??= createClient({
      connection: createChdbConnection({
        path: mkdtempSync(join(tmpdir(), 'dw-vectors-')),
      }) as unknown as Connection,
    });
    databases += 1;
    return new ClickHouseVectorIndex(chdb, {
      schema: { database: `vectors_${process.pid}_${databases}`, retentionDays: 30 },
      dimensions: 384,
      maxSampleSize,
    });
  },
  async createUnreachable() {
    const client = createClient({ url: `http://127.0.0.1:${await closedPort()}`, request_timeout: 3000 });
    return new ClickHouseVectorIndex(client, {
      schema: { database: 'unreachable', retentionDays: 30 },
      dimensions: 384,
    });
  },
});
