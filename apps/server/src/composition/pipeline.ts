import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  ApiKeyStore,
  Deadline,
  LlmEventWriter,
  ProjectStore,
  RetentionStore,
  SpanQueue,
  TraceReader,
  UserStore,
} from '@driftwatch/contracts';
import { msLeft } from '@driftwatch/contracts';
import { BatchingWriter } from '@driftwatch/pipeline';
import { KafkaSpanQueue } from '@driftwatch/queue-kafka';
import { MemorySpanQueue } from '@driftwatch/queue-memory';
import {
  ClickHouseApiKeyStore,
  ClickHouseProjectStore,
  ClickHouseRetentionStore,
  ClickHouseSpanWriter,
  ClickHouseTraceReader,
  ClickHouseUserStore,
  createEmbeddedClickHouse,
  createServerClickHouse,
} from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';
import { RetentionSweeper } from '../retention/retention-sweeper.js';

export interface Pipeline {
  queue: SpanQueue;
  events: LlmEventWriter;
  reader: TraceReader;
  keys: ApiKeyStore;
  projects: ProjectStore;
  retention: RetentionStore;
  users: UserStore;
  isReady(): Promise<{ store: boolean; queue: boolean }>;
  shutdown(deadline: Deadline): Promise<void>;
}

/**
 * The one place where adapters are chosen. Embedded mode: ClickHouse's engine in-process (chDB) and the
 * in-process queue, whose offer() resolves once the writer stored the spans. DRIFTWATCH_QUEUE=kafka puts a
 * Kafka topic between ingest and the writer: offer() resolves once the brokers hold the spans.
 */
export async function createPipeline(
  config: DriftwatchConfig,
  log: (message: string) => void,
): Promise<Pipeline> {
  const { client, readClient } = await clickHouseClients(config);
  const schema = {
    database: config.database,
    retentionDays: config.retentionDays,
    ...(config.clickhouse?.cluster ? { cluster: config.clickhouse.cluster } : {}),
  };
  const store = new ClickHouseSpanWriter(client, schema);
  await store.start();
  const writer = new BatchingWriter(store, {
    maxBatchRecords: config.batchMaxSpans,
    maxWaitMs: config.batchMaxWaitMs,
    onError: (error, willRetry) =>
      log(`span insert failed (${willRetry ? 'retrying' : 'dead-lettering'}): ${(error as Error).message}`),
  });
  const queue: SpanQueue =
    config.queue === 'kafka'
      ? new KafkaSpanQueue({
          bootstrapBrokers: config.kafka.brokers,
          topic: config.kafka.topic,
          groupId: config.kafka.group,
          partitions: config.kafka.partitions,
          capacity: config.queueCapacitySpans,
          deadLetters: store,
          onError: (error, context) => log(`kafka ${context}: ${(error as Error).message}`),
        })
      : new MemorySpanQueue({ capacity: config.queueCapacitySpans, deadLetters: store });
  // Only the writer role consumes; an ingest-only process just produces to the queue.
  if (config.roles.has('writer')) queue.subscribe(writer);
  await queue.start();
  // The account stores share the read connection (chDB allows one client per process and path).
  const keys = new ClickHouseApiKeyStore(readClient, config.database);
  const projects = new ClickHouseProjectStore(readClient, config.database);
  const retention = new ClickHouseRetentionStore(readClient, config.database);
  const users = new ClickHouseUserStore(readClient, config.database);
  await users.start();
  const sweeper = new RetentionSweeper(projects, retention, log);
  sweeper.start();
  const reader = new ClickHouseTraceReader(readClient, config.database);
  let closed = false;
  return {
    queue,
    events: store,
    reader,
    keys,
    projects,
    retention,
    users,
    isReady: async () => ({ store: await store.isReady(), queue: queue.isReady() }),
    shutdown: async (deadline) => {
      if (closed) return;
      closed = true;
      await sweeper.stop();
      await queue.shutdown(deadline);
      await writer.shutdown(deadline);
      await store.shutdown();
      const closing = Promise.all([client.close(), readClient === client ? null : readClient.close()]);
      await Promise.race([closing, new Promise((r) => setTimeout(r, msLeft(deadline)))]);
    },
  };
}

/**
 * ClickHouse server over HTTP when DRIFTWATCH_CLICKHOUSE_URL is set (one pooled client serves reads and
 * writes); otherwise the engine in-process, with a second connection on the same data directory for reads:
 * chDB runs one query at a time per connection, and API reads must not wait behind large inserts.
 */
async function clickHouseClients(
  config: DriftwatchConfig,
): Promise<{ client: ClickHouseClient; readClient: ClickHouseClient }> {
  if (config.clickhouse) {
    const client = createServerClickHouse({
      ...config.clickhouse,
      // On a cluster, an insert into a Distributed table is acknowledged only once the shards have it.
      ...(config.clickhouse.cluster ? { clickhouseSettings: { insert_distributed_sync: 1 } } : {}),
    });
    return { client, readClient: client };
  }
  await mkdir(config.dataDir, { recursive: true });
  const path = join(config.dataDir, 'clickhouse');
  return { client: createEmbeddedClickHouse(path), readClient: createEmbeddedClickHouse(path) };
}
