import type { DeadLetterSink } from '@driftwatch/contracts';

export type KafkaCompression = 'none' | 'gzip' | 'lz4' | 'zstd' | 'snappy';

export interface KafkaSpanQueueOptions {
  /** host:port of one or more brokers. */
  bootstrapBrokers: string[];
  /** Span topic; created if missing (with `partitions`, `replicationFactor`), as is `${topic}.dlq`. */
  topic: string;
  /** Consumer group of the writer role; every instance subscribing with the same id shares the partitions. */
  groupId: string;
  /** Most records in flight to the brokers; past it offer() rejects with SaturatedError. */
  capacity: number;
  clientId?: string;
  /** Partitions of a topic this queue creates (existing topics are left as they are). Default 12. */
  partitions?: number;
  /** Default 1 (single broker); 3 in production clusters. */
  replicationFactor?: number;
  /** Dead-letter topic. Default `${topic}.dlq`. */
  dlqTopic?: string;
  /** Default lz4 (pure WebAssembly in @platformatic/kafka, no native add-on). */
  compression?: KafkaCompression;
  /** offer() rejects with UnavailableError when the brokers have not acknowledged within this time. Default 10 s. */
  offerTimeoutMs?: number;
  /** How long the readiness probe (a metadata request) waits for the brokers. Default 1.5 s. */
  probeTimeoutMs?: number;
  /** TCP connect timeout per broker. Default 3 s. */
  connectTimeoutMs?: number;
  /** Fetching pauses while this many consumed records are unacked, and resumes below half of it. Default 10,000. */
  maxUnackedRecords?: number;
  /** Most bytes one fetch may return (the overshoot past maxUnackedRecords is at most one fetch). Default 8 MiB. */
  maxFetchBytes?: number;
  /** Most records in one delivery. Default 1,000. */
  maxDeliveryRecords?: number;
  /** Backoff before a delivery failed with a retryable error is handed to the consumer again. */
  redeliveryDelayMs?: { initial: number; max: number };
  /** Also told about records failed permanently (in parallel with the dead-letter topic), e.g. a store table. */
  deadLetters?: DeadLetterSink;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Errors that are handled (retried, logged) rather than thrown: commits, fetch stream, dead-letter retries. */
  onError?: (error: unknown, context: string) => void;
}

export type ResolvedOptions = Required<Omit<KafkaSpanQueueOptions, 'deadLetters' | 'onError'>> &
  Pick<KafkaSpanQueueOptions, 'deadLetters' | 'onError'>;

export function resolveOptions(options: KafkaSpanQueueOptions): ResolvedOptions {
  return {
    clientId: 'driftwatch',
    partitions: 12,
    replicationFactor: 1,
    dlqTopic: `${options.topic}.dlq`,
    compression: 'lz4',
    offerTimeoutMs: 10_000,
    connectTimeoutMs: 3_000,
    probeTimeoutMs: 1_500,
    maxUnackedRecords: 10_000,
    maxDeliveryRecords: 1_000,
    maxFetchBytes: 8 * 1_048_576,
    redeliveryDelayMs: { initial: 200, max: 10_000 },
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1_000,
    ...options,
  };
}
