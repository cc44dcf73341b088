import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  ApiKeyStore,
  DatasetStore,
  Deadline,
  FeedbackSettingsStore,
  FeedbackStore,
  LlmEventWriter,
  PriceOverrideStore,
  ProjectStore,
  RetentionStore,
  ReviewStore,
  SessionReader,
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
  ClickHouseDatasetStore,
  ClickHouseFeedbackSettingsStore,
  ClickHouseFeedbackStore,
  ClickHousePriceOverrideStore,
  ClickHouseProjectStore,
  ClickHouseRetentionStore,
  ClickHouseReviewStore,
  ClickHouseSessionReader,
  ClickHouseSpanWriter,
  ClickHouseTraceReader,
  ClickHouseUserStore,
  createEmbeddedClickHouse,
  createServerClickHouse,
  MetricsRollup,
} from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';
import { RetentionSweeper } from '../retention/retention-sweeper.js';
import { type Alerts, createAlerts } from './alerts.js';
import { createDetection, type Detection } from './detection.js';
import { createEmbedding, type Embedding } from './embedding.js';
import { createTopics, type Topics } from './topics.js';

export interface Pipeline {
  queue: SpanQueue;
  events: LlmEventWriter;
  reader: TraceReader;
  /** Sessions and end users with their totals. */
  sessions: SessionReader;
  keys: ApiKeyStore;
  projects: ProjectStore;
  retention: RetentionStore;
  users: UserStore;
  /** Price overrides per project: set through the API, applied by the ingest to new spans. */
  prices: PriceOverrideStore;
  alerts: Alerts;
  /** End-user feedback and scores, and each project's feedback settings (origins, how names are judged). */
  feedback: FeedbackStore;
  feedbackSettings: FeedbackSettingsStore;
  /** Review queues, rubrics and judgements. */
  review: ReviewStore;
  /** Datasets built from reviewed items, in immutable versions. */
  datasets: DatasetStore;
  /** Embedder, vector index and the embedding stage (beside the writer, never in ingest's path). */
  embedding: Embedding;
  /** Problems, detector settings and the detection runner (on an interval in the detector role). */
  detection: Detection;
  /** Topics of LLM call requests: the store, and the job where this process runs it. */
  topics: Topics;
  /** What this process's roles need, checked now; /readyz answers 503 with the reasons when not ready. */
  isReady(): Promise<ReadinessReport>;
  shutdown(deadline: Deadline): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ready: boolean; reason?: string; [detail: string]: unknown }>;
}

/** A store that does not answer a SELECT 1 within this time counts as unreachable. */
const STORE_PROBE_MS = 2_000;

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
    onDeadLetter: ({ record, reason }) =>
      log(`span ${record.spanId} of trace ${record.traceId} dead-lettered: ${reason}`),
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
  // Embedded, vector searches and upserts get their own chDB connection: they wait behind neither span
  // inserts nor API reads. On a ClickHouse server the pooled client serves them too.
  let vectorClient: ClickHouseClient | null = null;
  let topics: Topics | null = null;
  const embedding = await createEmbedding(
    config,
    () => (vectorClient ??= config.clickhouse ? client : createEmbeddedClickHouse(chdbPath(config))),
    readClient,
    log,
    (entries) => topics?.onStored(entries),
  );
  // Only the writer role consumes; an ingest-only process just produces to the queue.
  if (config.roles.has('writer')) queue.subscribe(embedding.wrapWriter(writer));
  await queue.start();
  // The account stores share the read connection (chDB allows one client per process and path).
  const keys = new ClickHouseApiKeyStore(readClient, config.database);
  const projects = new ClickHouseProjectStore(readClient, config.database);
  const retention = new ClickHouseRetentionStore(readClient, config.database);
  const users = new ClickHouseUserStore(readClient, config.database);
  await users.start();
  const sweeper = new RetentionSweeper(projects, retention, log);
  sweeper.start();
  // The writer role keeps the metrics rollup (migration 020); embedded, on a connection of its own, so rolling
  // up a backlog waits behind neither span inserts nor API reads.
  const rollupClient = config.roles.has('writer')
    ? config.clickhouse
      ? client
      : createEmbeddedClickHouse(chdbPath(config))
    : null;
  const rollup = rollupClient ? new MetricsRollup(rollupClient, config.database, { log }) : null;
  rollup?.start();
  const feedbackSettings = new ClickHouseFeedbackSettingsStore(readClient, config.database);
  const feedbackRules = (projectId: string) => feedbackSettings.current(projectId);
  const feedback = new ClickHouseFeedbackStore(readClient, config.database, feedbackRules);
  const detection = createDetection(
    config,
    readClient,
    projects,
    () => embedding.index,
    log,
    (projectId, window) => feedback.byTrace(projectId, window),
  );
  const alerts = await createAlerts(config, readClient, projects, detection.problems, log);
  const reader = new ClickHouseTraceReader(readClient, config.database, feedbackRules);
  const topicsReady = createTopics(config, readClient, embedding, projects, log);
  topics = topicsReady;
  let closed = false;
  return {
    queue,
    events: store,
    reader,
    sessions: new ClickHouseSessionReader(readClient, config.database),
    keys,
    projects,
    retention,
    users,
    prices: new ClickHousePriceOverrideStore(readClient, config.database),
    alerts,
    feedback,
    feedbackSettings,
    review: new ClickHouseReviewStore(readClient, config.database),
    datasets: new ClickHouseDatasetStore(readClient, config.database),
    embedding,
    detection,
    topics: topicsReady,
    isReady: async () => {
      const report = await readiness(config.roles, readClient, queue, writer, embedding, detection);
      // Shown, never required, like the embedder.
      if (topicsReady.job) report.checks.topics = { ready: true, ...topicsReady.job.health() };
      if (rollup) report.checks.metricsRollup = { ready: true, ...rollup.health() };
      return report;
    },
    shutdown: async (deadline) => {
      if (closed) return;
      closed = true;
      await sweeper.stop();
      await rollup?.stop();
      await detection.stop();
      await alerts.shutdown(deadline);
      await queue.shutdown(deadline);
      await writer.shutdown(deadline);
      await topicsReady.shutdown();
      await embedding.shutdown(deadline);
      await store.shutdown();
      const extra = vectorClient && vectorClient !== client ? vectorClient : null;
      const closing = Promise.all([
        client.close(),
        readClient === client ? null : readClient.close(),
        extra?.close(),
        rollupClient && rollupClient !== client ? rollupClient.close() : null,
      ]);
      await Promise.race([closing, new Promise((r) => setTimeout(r, msLeft(deadline)))]);
    },
  };
}

/**
 * Every role needs the store (ingest checks API keys in it, the writer writes, the api reads); ingest and
 * writer need the queue (for Kafka: brokers answering now); the writer must not be stalled on failing inserts.
 */
async function readiness(
  roles: ReadonlySet<string>,
  readClient: ClickHouseClient,
  queue: SpanQueue,
  writer: BatchingWriter,
  embedding: Embedding,
  detection: Detection,
): Promise<ReadinessReport> {
  const [store, queueState, embedder] = await Promise.all([
    probeStore(readClient),
    roles.has('ingest') || roles.has('writer') ? queue.readiness() : null,
    embedding.check(),
  ]);
  const checks: ReadinessReport['checks'] = { store };
  if (queueState) checks.queue = { ...queueState };
  if (roles.has('writer')) {
    const { ready, reason, consecutiveFailures, oldestUnstoredMs } = writer.health();
    checks.writer = { ready, ...(reason ? { reason } : {}), consecutiveFailures, oldestUnstoredMs };
  }
  const ready = Object.values(checks).every((c) => c.ready);
  // Shown, never required: ingest and the API work without embeddings.
  checks.embedder = embedder;
  checks.detector = detection.check();
  return { ready, checks };
}

async function probeStore(client: ClickHouseClient): Promise<{ ready: boolean; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STORE_PROBE_MS} ms`)), STORE_PROBE_MS);
  });
  try {
    // A SELECT, not /ping: it also proves the credentials work.
    const result = await Promise.race([client.ping({ select: true }), timeout]);
    if (result.success) return { ready: true };
    return { ready: false, reason: `ClickHouse store unreachable: ${result.error.message}` };
  } catch (error) {
    return { ready: false, reason: `ClickHouse store unreachable: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
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
  const path = chdbPath(config);
  return { client: createEmbeddedClickHouse(path), readClient: createEmbeddedClickHouse(path) };
}

function chdbPath(config: DriftwatchConfig): string {
  return join(config.dataDir, 'clickhouse');
}
