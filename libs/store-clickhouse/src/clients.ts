import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { createEmbeddedRawInsert, registerRawInsert } from './raw-insert.js';

/** 64-bit integers (nanosecond times, counts) come back as strings so JavaScript keeps every digit. */
const SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

/** ClickHouse's engine in-process (embedded mode). One data directory per process. */
export function createEmbeddedClickHouse(path: string): ClickHouseClient {
  // chdb types its Connection against @clickhouse/client-common, which the client now vendors under
  // another path; the shapes are the same, only the declarations differ.
  const connection = createChdbConnection({ path }) as unknown as ClientConnection;
  // A fresh object per client: the driver merges settings from the URL into it in place.
  const client = createClient({ connection, clickhouse_settings: { ...SETTINGS } });
  // Span inserts in RowBinary go through a file in the data directory (see raw-insert.ts).
  const raw = createEmbeddedRawInsert(client, path);
  registerRawInsert(client, raw);
  const close = client.close.bind(client);
  client.close = async () => {
    await raw.close();
    await close();
  };
  return client;
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ClickHouseServerOptions {
  url: string;
  username: string;
  password: string;
  requestTimeoutMs?: number;
  /** Extra settings for every request (on a cluster, e.g. distributed_foreground_insert: 1). */
  clickhouseSettings?: ClickHouseSettings;
}

/** A ClickHouse server or cluster over HTTP(S) (distributed mode). */
export function createServerClickHouse(options: ClickHouseServerOptions): ClickHouseClient {
  return createClient({
    url: options.url,
    username: options.username,
    password: options.password,
    request_timeout: options.requestTimeoutMs ?? 30_000,
    compression: { request: true, response: true },
    clickhouse_settings: { ...options.clickhouseSettings, ...SETTINGS },
  });
}
