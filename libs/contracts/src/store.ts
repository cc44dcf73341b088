import type { Lifecycle } from './lifecycle.js';
import type { OtlpLogRecord } from './otlp.js';
import type { SpanRecord } from './span-record.js';
import type {
  MetricsQuery,
  MetricsSummary,
  TraceCount,
  TraceDetail,
  TraceListPage,
  TraceListQuery,
} from './read-model.js';

/**
 * Durable span storage. insert() is idempotent: inserting a record again (a retried or redelivered batch)
 * never makes a span appear twice in query results. Rejections carry RetryableError or PermanentError.
 */
export interface SpanWriter extends Lifecycle {
  insert(records: readonly SpanRecord[]): Promise<void>;
  isReady(): Promise<boolean>;
}

/** Read side; every call is scoped to one project. */
export interface TraceReader {
  listTraces(projectId: string, query: TraceListQuery): Promise<TraceListPage>;
  countTraces(projectId: string, query: TraceListQuery): Promise<TraceCount>;
  getTrace(projectId: string, traceId: string): Promise<TraceDetail | null>;
  metricsSummary(projectId: string, query: MetricsQuery): Promise<MetricsSummary>;
}

/** Where records that can never be stored go, with the reason; never silently dropped. */
export interface DeadLetterSink {
  put(records: readonly SpanRecord[], reason: string): Promise<void>;
}

/**
 * GenAI events that arrive as OTel log records (their span's conversation), stored as they are and joined to
 * the span when a trace is read. Idempotent like SpanWriter.insert.
 */
export interface LlmEventWriter {
  insertLlmEvents(projectId: string, records: readonly OtlpLogRecord[]): Promise<void>;
}
