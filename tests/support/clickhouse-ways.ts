import type { ClickHouseClient } from '@clickhouse/client';
import { createEmbeddedClickHouse, createServerClickHouse } from '@driftwatch/store-clickhouse';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChdbHttpServer } from './chdb-http-server.js';

export interface OpenedClickHouse {
  client: ClickHouseClient;
  stop: () => Promise<void>;
}

/**
 * The two ways the store reaches ClickHouse, for `describe.each`: chDB in-process (embedded mode) and a ClickHouse
 * HTTP interface through the server client (distributed mode's code path, served here by chDB).
 */
export function clickHouseWays(dirPrefix: string): Array<[string, () => Promise<OpenedClickHouse>]> {
  return [
    [
      'embedded chDB',
      async () => {
        const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), dirPrefix)));
        return { client, stop: () => client.close() };
      },
    ],
    [
      'ClickHouse HTTP interface',
      async () => {
        const server = await new ChdbHttpServer().start();
        const client = createServerClickHouse({ url: server.url, username: 'default', password: '' });
        return {
          client,
          stop: async () => {
            await client.close();
            await server.stop();
          },
        };
      },
    ],
  ];
}
