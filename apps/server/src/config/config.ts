import { resolve } from 'node:path';
import { defaultModelDir } from '@driftwatch/embedder-local';
import { remoteEmbedderOptionsFromEnv } from '@driftwatch/embedder-remote';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const bytes = z.coerce.number().int().min(1024);
const millis = z.coerce.number().int().min(50).max(3_600_000);

/** Every setting, read once from the environment and validated; see the README's configuration table. */
export const configSchema = z.object({
  DRIFTWATCH_DATA_DIR: z.string().min(1).default('./data'),
  DRIFTWATCH_HOST: z.string().min(1).default('0.0.0.0'),
  DRIFTWATCH_OTLP_HTTP_PORT: port.default(4318),
  DRIFTWATCH_OTLP_GRPC_PORT: port.default(4317),
  DRIFTWATCH_BOOTSTRAP_API_KEY: z.string().optional(),
  /** Extra project:key pairs, comma-separated, for provisioning by automation. */
  DRIFTWATCH_BOOTSTRAP_API_KEYS: z.string().optional(),
  DRIFTWATCH_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('driftwatch'),
  // At most 25,000: the TTL arithmetic wraps past 2106 (libs/store-clickhouse migrate.ts).
  DRIFTWATCH_RETENTION_DAYS: z.coerce.number().int().min(1).max(25_000).default(30),
  DRIFTWATCH_MAX_BODY_BYTES: bytes.default(16 * 1024 * 1024),
  DRIFTWATCH_MAX_DECOMPRESSED_BYTES: bytes.default(64 * 1024 * 1024),
  DRIFTWATCH_MAX_INFLIGHT_REQUESTS: z.coerce.number().int().min(1).default(64),
  DRIFTWATCH_MAX_INFLIGHT_BYTES: bytes.default(512 * 1024 * 1024),
  /** Time to receive a request's headers over HTTP (408 after); a connection that sends nothing is closed. */
  DRIFTWATCH_HEADERS_TIMEOUT_MS: millis.default(10_000),
  /** Time to receive a whole HTTP request, body included (408 after): a body sent slowly is cut off. */
  DRIFTWATCH_REQUEST_TIMEOUT_MS: millis.default(30_000),
  /** Longest an export waits to be stored before the client is told to retry (HTTP 503, gRPC UNAVAILABLE). */
  DRIFTWATCH_EXPORT_TIMEOUT_MS: millis.default(10_000),
  /** An idle keep-alive connection (HTTP) or gRPC connection is closed after this long. */
  DRIFTWATCH_KEEPALIVE_TIMEOUT_MS: millis.default(65_000),
  /** Open connections per listener (OTLP/HTTP and REST; gRPC); connections past it are closed at once. */
  DRIFTWATCH_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(4096),
  /**
   * Which roles this process runs: ingest (OTLP receivers), writer (queue -> store), api (REST), notifier
   * (alerts), embedder (embeds LLM calls into the vector index, beside the writer), detector (runs the drift and
   * regression detectors per project on an interval).
   */
  DRIFTWATCH_ROLES: z
    .string()
    .default('ingest,writer,api,notifier,embedder,detector')
    .transform((text) => [
      ...new Set(
        text
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(z.enum(['ingest', 'writer', 'api', 'notifier', 'embedder', 'detector'])).min(1)),
  /** A ClickHouse server or cluster over HTTP(S); when unset, ClickHouse's engine runs in-process (chDB). */
  DRIFTWATCH_CLICKHOUSE_URL: z.string().url().optional(),
  DRIFTWATCH_CLICKHOUSE_USER: z.string().default('default'),
  DRIFTWATCH_CLICKHOUSE_PASSWORD: z.string().default(''),
  /** Cluster name: the schema is created ON CLUSTER with Replicated and Distributed tables. */
  DRIFTWATCH_CLICKHOUSE_CLUSTER: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
  /** memory: in-process (embedded); kafka: spans go through a Kafka topic to the writer. */
  DRIFTWATCH_QUEUE: z.enum(['memory', 'kafka']).default('memory'),
  DRIFTWATCH_KAFKA_BROKERS: z.string().default('localhost:9092'),
  DRIFTWATCH_KAFKA_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .default('driftwatch.spans'),
  DRIFTWATCH_KAFKA_GROUP: z.string().min(1).default('driftwatch-writer'),
  /** Consumer group of the embedder role: it reads the span topic on its own, beside the writers. */
  DRIFTWATCH_KAFKA_EMBEDDER_GROUP: z.string().min(1).default('driftwatch-embedder'),
  DRIFTWATCH_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(10000).default(12),
  DRIFTWATCH_QUEUE_CAPACITY_SPANS: z.coerce.number().int().min(100).default(100_000),
  DRIFTWATCH_BATCH_MAX_SPANS: z.coerce.number().int().min(1).default(50_000),
  DRIFTWATCH_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(1).default(200),
  DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  DRIFTWATCH_BOOTSTRAP_ADMIN_EMAIL: z.email().default('admin@localhost'),
  /** Unset: a password is generated at first start and printed once. */
  DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12).optional(),
  /** Set by scripts/start.mjs when it serves the dashboard beside the server; printed in the banner. */
  DRIFTWATCH_DASHBOARD_URL: z.url().optional(),
  /** local (MiniLM in a child process), remote (DRIFTWATCH_EMBEDDINGS_URL) or off; default remote when the URL is set. */
  DRIFTWATCH_EMBEDDINGS: z.enum(['local', 'remote', 'off']).optional(),
  DRIFTWATCH_EMBEDDINGS_URL: z.string().optional(),
  /** Nice value of the local model's process: 19 embeds only on CPU nothing else wants; lower takes a share. */
  DRIFTWATCH_EMBEDDING_NICE: z.coerce.number().int().min(0).max(19).default(19),
  /** LLM calls waiting to be embedded; past it the stage samples instead of growing. */
  DRIFTWATCH_EMBEDDING_QUEUE_CALLS: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
  /** Weaviate's HTTP address (http://host:8080); unset: vectors go to ClickHouse's own HNSW index. */
  DRIFTWATCH_WEAVIATE_URL: z.url().optional(),
  DRIFTWATCH_WEAVIATE_GRPC_PORT: port.default(50051),
  DRIFTWATCH_WEAVIATE_API_KEY: z.string().optional(),
  /** How often the detector role looks for completed windows that have not run (each runs once, after it ends). */
  DRIFTWATCH_DETECTOR_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How long a runner's claim on a project holds: a runner that dies hands its projects over after this. */
  DRIFTWATCH_DETECTOR_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  /** A window runs this long after it ends, so that spans exported late are in it. */
  DRIFTWATCH_DETECTOR_SETTLE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  DRIFTWATCH_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug']).default('log'),
});

export type DriftwatchConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const roles = new Set(c.DRIFTWATCH_ROLES);
  if (c.DRIFTWATCH_HEADERS_TIMEOUT_MS > c.DRIFTWATCH_REQUEST_TIMEOUT_MS) {
    throw new Error(
      'invalid configuration: DRIFTWATCH_HEADERS_TIMEOUT_MS must not exceed DRIFTWATCH_REQUEST_TIMEOUT_MS (the headers are part of the request)',
    );
  }
  if (c.DRIFTWATCH_QUEUE === 'memory' && roles.has('ingest') !== roles.has('writer')) {
    throw new Error(
      'invalid configuration: with DRIFTWATCH_QUEUE=memory the ingest and writer roles must run in the same process',
    );
  }
  if (c.DRIFTWATCH_QUEUE === 'memory' && roles.has('embedder') && !roles.has('writer')) {
    throw new Error(
      'invalid configuration: with DRIFTWATCH_QUEUE=memory the embedder role runs beside the writer role (it embeds what the writer stored)',
    );
  }
  // Local by default: the model runs in a child process at nice 19, so it only takes CPU that ingest leaves idle
  // (bench/embeddings/ingest-on-off.mjs compares ingest with it on and off); an embedding URL means remote.
  const embeddingsMode = c.DRIFTWATCH_EMBEDDINGS ?? (c.DRIFTWATCH_EMBEDDINGS_URL ? 'remote' : 'local');
  let remoteEmbedder: ReturnType<typeof remoteEmbedderOptionsFromEnv> | null = null;
  if (embeddingsMode === 'remote') {
    try {
      remoteEmbedder = remoteEmbedderOptionsFromEnv(env);
    } catch (error) {
      throw new Error(`invalid configuration: ${(error as Error).message}`);
    }
  }
  return {
    dataDir: resolve(c.DRIFTWATCH_DATA_DIR),
    host: c.DRIFTWATCH_HOST,
    otlpHttpPort: c.DRIFTWATCH_OTLP_HTTP_PORT,
    otlpGrpcPort: c.DRIFTWATCH_OTLP_GRPC_PORT,
    bootstrapApiKey: c.DRIFTWATCH_BOOTSTRAP_API_KEY,
    bootstrapApiKeys: parseKeyPairs(c.DRIFTWATCH_BOOTSTRAP_API_KEYS),
    database: c.DRIFTWATCH_DATABASE,
    retentionDays: c.DRIFTWATCH_RETENTION_DAYS,
    maxBodyBytes: c.DRIFTWATCH_MAX_BODY_BYTES,
    maxDecompressedBytes: c.DRIFTWATCH_MAX_DECOMPRESSED_BYTES,
    maxInflightRequests: c.DRIFTWATCH_MAX_INFLIGHT_REQUESTS,
    maxInflightBytes: c.DRIFTWATCH_MAX_INFLIGHT_BYTES,
    transport: {
      headersTimeoutMs: c.DRIFTWATCH_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: c.DRIFTWATCH_REQUEST_TIMEOUT_MS,
      exportTimeoutMs: c.DRIFTWATCH_EXPORT_TIMEOUT_MS,
      keepAliveTimeoutMs: c.DRIFTWATCH_KEEPALIVE_TIMEOUT_MS,
      maxConnections: c.DRIFTWATCH_MAX_CONNECTIONS,
    },
    roles: new Set(c.DRIFTWATCH_ROLES),
    clickhouse: c.DRIFTWATCH_CLICKHOUSE_URL
      ? {
          url: c.DRIFTWATCH_CLICKHOUSE_URL,
          username: c.DRIFTWATCH_CLICKHOUSE_USER,
          password: c.DRIFTWATCH_CLICKHOUSE_PASSWORD,
          cluster: c.DRIFTWATCH_CLICKHOUSE_CLUSTER,
        }
      : null,
    queue: c.DRIFTWATCH_QUEUE,
    kafka: {
      brokers: c.DRIFTWATCH_KAFKA_BROKERS.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      topic: c.DRIFTWATCH_KAFKA_TOPIC,
      group: c.DRIFTWATCH_KAFKA_GROUP,
      embedderGroup: c.DRIFTWATCH_KAFKA_EMBEDDER_GROUP,
      partitions: c.DRIFTWATCH_KAFKA_PARTITIONS,
    },
    queueCapacitySpans: c.DRIFTWATCH_QUEUE_CAPACITY_SPANS,
    embeddings: {
      mode: embeddingsMode,
      remote: remoteEmbedder,
      /** The local model's directory (DRIFTWATCH_EMBEDDING_MODEL_DIR or the fetch script's cache). */
      modelDir: defaultModelDir(env),
      nice: c.DRIFTWATCH_EMBEDDING_NICE,
      queueCalls: c.DRIFTWATCH_EMBEDDING_QUEUE_CALLS,
      weaviate: c.DRIFTWATCH_WEAVIATE_URL
        ? weaviateEndpoint(
            c.DRIFTWATCH_WEAVIATE_URL,
            c.DRIFTWATCH_WEAVIATE_GRPC_PORT,
            c.DRIFTWATCH_WEAVIATE_API_KEY,
          )
        : null,
    },
    detector: {
      intervalMs: c.DRIFTWATCH_DETECTOR_INTERVAL_MS,
      leaseMs: c.DRIFTWATCH_DETECTOR_LEASE_MS,
      settleMs: c.DRIFTWATCH_DETECTOR_SETTLE_MS,
      catchUpWindows: 3,
    },
    batchMaxSpans: c.DRIFTWATCH_BATCH_MAX_SPANS,
    batchMaxWaitMs: c.DRIFTWATCH_BATCH_MAX_WAIT_MS,
    shutdownTimeoutMs: c.DRIFTWATCH_SHUTDOWN_TIMEOUT_MS,
    logLevel: c.DRIFTWATCH_LOG_LEVEL,
    bootstrapAdminEmail: c.DRIFTWATCH_BOOTSTRAP_ADMIN_EMAIL,
    bootstrapAdminPassword: c.DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD,
    dashboardUrl: c.DRIFTWATCH_DASHBOARD_URL,
  };
}

function weaviateEndpoint(url: string, grpcPort: number, apiKey: string | undefined) {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const httpPort = u.port ? Number(u.port) : secure ? 443 : 80;
  return { host: u.hostname, httpPort, grpcPort, secure, ...(apiKey ? { apiKey } : {}) };
}

function parseKeyPairs(text: string | undefined): Array<{ projectId: string; key: string }> {
  if (!text) return [];
  return text
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf(':');
      if (at < 1)
        throw new Error('invalid configuration: DRIFTWATCH_BOOTSTRAP_API_KEYS takes project:key pairs');
      return { projectId: pair.slice(0, at), key: pair.slice(at + 1) };
    });
}
