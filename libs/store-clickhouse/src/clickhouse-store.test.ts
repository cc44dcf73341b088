// The assertions live in the shared contract suite (libs/contract-tests), run here against this adapter.
import { spanStoreContract } from '@driftwatch/contract-tests';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { embeddedForTests } from './test-support.js';

spanStoreContract('ClickHouse on chDB', async () => {
  const { client, database } = embeddedForTests();
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  return { writer, reader: new ClickHouseTraceReader(client, database) };
});
