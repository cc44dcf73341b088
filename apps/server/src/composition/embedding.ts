import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  Deadline,
  Embedder,
  QueueConsumer,
  SamplingRateStore,
  SpanQueue,
  VectorEntry,
  VectorIndex,
} from '@driftwatch/contracts';
import { deadlineIn, msLeft, PermanentError } from '@driftwatch/contracts';
import { ChildProcessEmbedder } from '@driftwatch/embedder-local';
import { RemoteEmbedder } from '@driftwatch/embedder-remote';
import { KafkaSpanQueue } from '@driftwatch/queue-kafka';
import { ClickHouseSamplingRateStore } from '@driftwatch/store-clickhouse';
import { ClickHouseVectorIndex } from '@driftwatch/vector-clickhouse';
import { WeaviateVectorIndex } from '@driftwatch/vector-weaviate';
import type { DriftwatchConfig } from '../config/config.js';
import { AdapterStart } from '../embedding/adapter-start.js';
import { cpuBusyGate } from '../embedding/busy-gate.js';
import { EmbeddingStage } from '../embedding/embedding-stage.js';
import { tapStored } from '../embedding/stored-tap.js';

export interface EmbeddingCheck {
  ready: boolean;
  reason?: string;
  [detail: string]: unknown;
}

export interface Embedding {
  /** Null when embeddings are off or the adapters have not started (yet; the reason is in check()). */
  embedder: Embedder | null;
  index: VectorIndex | null;
  /** The writer as the queue should see it: embedded mode taps what it stored into the stage. */
  wrapWriter(writer: QueueConsumer): QueueConsumer;
  /** Shown in /readyz details; never makes the process unready (ingest does not depend on it). */
  check(): Promise<EmbeddingCheck>;
  shutdown(deadline: Deadline): Promise<void>;
}

/**
 * The embedding adapters: the embedder (local MiniLM by default, an OpenAI-compatible endpoint when
 * DRIFTWATCH_EMBEDDINGS_URL is set, none when DRIFTWATCH_EMBEDDINGS=off), the vector index (ClickHouse's HNSW
 * beside the spans, Weaviate when DRIFTWATCH_WEAVIATE_URL is set) and the stage that feeds it. The stage sees
 * the span stream beside the writer: embedded, the writer's acks are tapped in-process; distributed, the
 * embedder role is its own Kafka consumer group. A missing model or an unreachable index does not stop the
 * server: it logs one line and /readyz shows the embedder as not ready (an unreachable one until it starts).
 */
export async function createEmbedding(
  config: DriftwatchConfig,
  vectorClient: () => ClickHouseClient,
  samplingClient: ClickHouseClient,
  log: (message: string) => void,
  onStored?: (entries: readonly VectorEntry[]) => void,
): Promise<Embedding> {
  const { embeddings } = config;
  const wanted = config.roles.has('embedder') || config.roles.has('api') || config.roles.has('detector');
  if (embeddings.mode === 'off' || !wanted) return disabled(embeddings.mode === 'off' ? 'off' : null);

  const embedder: Embedder =
    embeddings.mode === 'remote' && embeddings.remote
      ? new RemoteEmbedder({
          ...embeddings.remote,
          onRetry: (e) => log(`embedder: remote attempt ${e.attempt} failed (${e.reason}), retrying`),
        })
      : new ChildProcessEmbedder({
          modelDir: embeddings.modelDir,
          // Bundled beside main.js (scripts/build.mjs); reniced, so inference only takes CPU ingest leaves idle.
          entry: fileURLToPath(new URL('./embedder-child.js', import.meta.url)),
          nice: embeddings.nice,
          log,
        });
  const index: VectorIndex = embeddings.weaviate
    ? new WeaviateVectorIndex({ ...embeddings.weaviate, dimensions: embedder.dimensions })
    : new ClickHouseVectorIndex(vectorClient(), {
        schema: {
          database: config.database,
          retentionDays: config.retentionDays,
          ...(config.clickhouse?.cluster ? { cluster: config.clickhouse.cluster } : {}),
        },
        dimensions: embedder.dimensions,
      });
  const kafka =
    config.roles.has('embedder') && config.queue === 'kafka'
      ? new KafkaSpanQueue({
          bootstrapBrokers: config.kafka.brokers,
          topic: config.kafka.topic,
          groupId: config.kafka.embedderGroup,
          partitions: config.kafka.partitions,
          capacity: config.queueCapacitySpans,
          deadLetters: { put: async () => undefined },
          onError: (error, context) => log(`kafka (embedder) ${context}: ${(error as Error).message}`),
        })
      : null;
  // A process running only the detector role reads vectors and embeds nothing: its index starts, its model does not.
  const readsOnly = !config.roles.has('embedder') && !config.roles.has('api');
  return assembleEmbedding({
    embedder: readsOnly ? notEmbedding(embedder) : embedder,
    index,
    indexKind: embeddings.weaviate ? 'weaviate' : 'clickhouse',
    stage: config.roles.has('embedder')
      ? {
          sampling: new ClickHouseSamplingRateStore(samplingClient, config.database),
          capacity: embeddings.queueCalls,
          ownQueue: kafka,
          // Ingest in this process: embed on CPU it leaves (see busy-gate.ts).
          ...(config.roles.has('writer') ? { beforeBatch: cpuBusyGate() } : {}),
        }
      : null,
    ...(onStored ? { onStored } : {}),
    log,
  });
}

export interface EmbeddingParts {
  embedder: Embedder;
  index: VectorIndex;
  indexKind: 'weaviate' | 'clickhouse';
  /** Present when this process runs the embedder role. */
  stage: {
    sampling: SamplingRateStore;
    capacity: number;
    /** The embedder role's own consumer group (distributed); null: the writer's acks are tapped in-process. */
    ownQueue: SpanQueue | null;
    beforeBatch?: (stopping: () => boolean) => Promise<void>;
  } | null;
  /** Backoff of the adapters' start and of the stage's embeds and upserts. */
  retry?: { initialMs: number; maxMs: number };
  /** Sees the vectors the stage stored (the topics job assigns them). */
  onStored?: (entries: readonly VectorEntry[]) => void;
  log: (message: string) => void;
}

/**
 * Wires the adapters and the stage. The adapters' first start is waited for; if it fails retryably it is
 * retried in the background with backoff, so an index or embedder down at process start delays embeddings
 * instead of turning them off until a restart; meanwhile the stage queues calls (bounded, then sampled or
 * held) and check() says why it is not ready.
 */
export async function assembleEmbedding(parts: EmbeddingParts): Promise<Embedding> {
  const { embedder, index, log } = parts;
  const starting = new AdapterStart(embedder, index, {
    log,
    ...(parts.retry ? { retry: parts.retry } : {}),
  });
  await starting.start();
  let stage: EmbeddingStage | null = null;
  const kafka = parts.stage?.ownQueue ?? null;
  if (parts.stage) {
    stage = new EmbeddingStage({
      embedder,
      index,
      sampling: parts.stage.sampling,
      capacity: parts.stage.capacity,
      adaptersStarted: starting.done,
      ...(parts.stage.beforeBatch ? { beforeBatch: parts.stage.beforeBatch } : {}),
      ...(parts.onStored ? { onStored: parts.onStored } : {}),
      log,
      ...(parts.retry ? { retry: parts.retry } : {}),
    });
    stage.start();
    if (kafka) {
      // Its own consumer group: it reads every span beside the writers and acks a delivery once its calls are
      // stored (or sampled out by the rate), so an outage of the index or the embedder fills the stage's
      // bounded queue and the consumer stops fetching at its limit of unacked records: paused, nothing lost.
      const own = stage;
      kafka.subscribe({ deliver: (delivery) => own.observe(delivery.records, () => delivery.ack()) });
      await kafka.start();
    }
  }
  const tapping = stage && !kafka ? stage : null;
  return {
    get embedder() {
      return starting.isStarted() ? embedder : null;
    },
    get index() {
      return starting.isStarted() ? index : null;
    },
    wrapWriter: (writer) =>
      tapping
        ? tapStored(
            writer,
            (records) => tapping.observe(records),
            (error) => log(`embedder: ${(error as Error).message}`),
          )
        : writer,
    check: async () => {
      const notStarted = starting.reason();
      const indexReady = notStarted === null && (await index.isReady());
      const ready = notStarted === null && embedder.isReady() && indexReady;
      const reason = notStarted ?? (embedder.isReady() ? 'vector index not reachable' : 'embedder stopped');
      return {
        ready,
        ...(ready ? {} : { reason }),
        model: embedder.modelId,
        index: parts.indexKind,
        ...(stage ? stage.health() : {}),
      };
    },
    shutdown: async (deadline) => {
      starting.stop();
      // Half the time at most: during an outage held deliveries never settle, and the stage needs the rest.
      await kafka?.shutdown(deadlineIn(msLeft(deadline) / 2));
      await stage?.shutdown(deadline);
      await Promise.race([
        Promise.all([embedder.shutdown(deadline), index.shutdown(deadline)]),
        new Promise((r) => setTimeout(r, msLeft(deadline))),
      ]);
    },
  };
}

/** The embedder's model id and dimensions (the index needs them) without loading it. */
function notEmbedding(embedder: Embedder): Embedder {
  return {
    modelId: embedder.modelId,
    dimensions: embedder.dimensions,
    start: async () => undefined,
    shutdown: async () => undefined,
    isReady: () => true,
    embed: () => Promise.reject(new PermanentError('this process does not embed (detector role only)')),
  };
}

function disabled(reason: string | null): Embedding {
  return {
    embedder: null,
    index: null,
    wrapWriter: (writer) => writer,
    check: async () =>
      reason === 'off'
        ? { ready: false, reason: 'embeddings are off (DRIFTWATCH_EMBEDDINGS=off)' }
        : { ready: false, reason: reason ?? 'this process runs neither the embedder nor the api role' },
    shutdown: async () => undefined,
  };
}
