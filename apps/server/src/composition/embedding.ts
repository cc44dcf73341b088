import type { ClickHouseClient } from '@clickhouse/client';
import type { Deadline, Embedder, QueueConsumer, SpanQueue, VectorIndex } from '@driftwatch/contracts';
import { deadlineIn, msLeft } from '@driftwatch/contracts';
import { LocalEmbedder } from '@driftwatch/embedder-local';
import { RemoteEmbedder } from '@driftwatch/embedder-remote';
import { KafkaSpanQueue } from '@driftwatch/queue-kafka';
import { ClickHouseSamplingRateStore } from '@driftwatch/store-clickhouse';
import { ClickHouseVectorIndex } from '@driftwatch/vector-clickhouse';
import { WeaviateVectorIndex } from '@driftwatch/vector-weaviate';
import type { DriftwatchConfig } from '../config/config.js';
import { EmbeddingStage } from '../embedding/embedding-stage.js';
import { tapStored } from '../embedding/stored-tap.js';

export interface EmbeddingCheck {
  ready: boolean;
  reason?: string;
  [detail: string]: unknown;
}

export interface Embedding {
  /** Null when embeddings are off or the embedder could not start (the reason is in check()). */
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
 * server: it logs one line and /readyz shows the embedder as not ready.
 */
export async function createEmbedding(
  config: DriftwatchConfig,
  vectorClient: () => ClickHouseClient,
  samplingClient: ClickHouseClient,
  log: (message: string) => void,
): Promise<Embedding> {
  const { embeddings } = config;
  const wanted = config.roles.has('embedder') || config.roles.has('api');
  if (embeddings.mode === 'off' || !wanted) return disabled(embeddings.mode === 'off' ? 'off' : null);

  const embedder: Embedder =
    embeddings.mode === 'remote' && embeddings.remote
      ? new RemoteEmbedder({
          ...embeddings.remote,
          onRetry: (e) => log(`embedder: remote attempt ${e.attempt} failed (${e.reason}), retrying`),
        })
      : new LocalEmbedder({ modelDir: embeddings.modelDir });
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
  try {
    await embedder.start();
  } catch (error) {
    const reason = `embedder ${embedder.modelId} not started: ${(error as Error).message}`;
    log(`${reason}; ingest goes on without embeddings`);
    return disabled(reason);
  }
  try {
    await index.start();
  } catch (error) {
    const reason = `vector index not started: ${(error as Error).message}`;
    log(`${reason}; ingest goes on without embeddings`);
    await embedder.shutdown(deadlineIn(1_000));
    return disabled(reason);
  }

  let stage: EmbeddingStage | null = null;
  let kafka: SpanQueue | null = null;
  if (config.roles.has('embedder')) {
    stage = new EmbeddingStage({
      embedder,
      index,
      sampling: new ClickHouseSamplingRateStore(samplingClient, config.database),
      capacity: embeddings.queueCalls,
      log,
    });
    stage.start();
    if (config.queue === 'kafka') {
      // Its own consumer group: it reads every span beside the writers and acks once a delivery is enqueued
      // or sampled out (the stage's queue is bounded, so this never waits on the embedder).
      const own = stage;
      kafka = new KafkaSpanQueue({
        bootstrapBrokers: config.kafka.brokers,
        topic: config.kafka.topic,
        groupId: config.kafka.embedderGroup,
        partitions: config.kafka.partitions,
        capacity: config.queueCapacitySpans,
        deadLetters: { put: async () => undefined },
        onError: (error, context) => log(`kafka (embedder) ${context}: ${(error as Error).message}`),
      });
      kafka.subscribe({
        deliver: (delivery) => {
          own.observe(delivery.records);
          delivery.ack();
        },
      });
      await kafka.start();
    }
  }
  const tapping = stage && config.queue === 'memory' ? stage : null;
  return {
    embedder,
    index,
    wrapWriter: (writer) =>
      tapping
        ? tapStored(
            writer,
            (records) => tapping.observe(records),
            (error) => log(`embedder: ${(error as Error).message}`),
          )
        : writer,
    check: async () => {
      const indexReady = await index.isReady();
      const ready = embedder.isReady() && indexReady;
      return {
        ready,
        ...(ready ? {} : { reason: embedder.isReady() ? 'vector index not reachable' : 'embedder stopped' }),
        model: embedder.modelId,
        index: embeddings.weaviate ? 'weaviate' : 'clickhouse',
        ...(stage ? stage.health() : {}),
      };
    },
    shutdown: async (deadline) => {
      await kafka?.shutdown(deadline);
      await stage?.shutdown(deadline);
      await Promise.race([
        Promise.all([embedder.shutdown(deadline), index.shutdown(deadline)]),
        new Promise((r) => setTimeout(r, msLeft(deadline))),
      ]);
    },
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
