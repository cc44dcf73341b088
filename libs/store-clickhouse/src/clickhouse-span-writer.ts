import type { ClickHouseClient } from '@clickhouse/client';
import type {
  DeadLetterSink,
  LlmEventWriter,
  OtlpLogRecord,
  SpanRecord,
  SpanWriter,
} from '@driftwatch/contracts';
import { classifyClickHouseError } from './errors.js';
import { migrate, type SchemaOptions } from './migrate.js';
import { nanosToDateTime64, toSpanRow } from './span-row.js';

/**
 * Writes spans into {db}.spans. Idempotent by construction: the table collapses rows with the same
 * (project, start, trace, span) and every read uses FINAL, so a retried batch never shows a span twice.
 */
export class ClickHouseSpanWriter implements SpanWriter, DeadLetterSink, LlmEventWriter {
  private started = false;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly schema: SchemaOptions,
  ) {}

  async start(): Promise<void> {
    if (this.started) return;
    await migrate(this.client, this.schema);
    this.started = true;
  }

  async isReady(): Promise<boolean> {
    if (!this.started) return false;
    try {
      // A SELECT, not /ping: it also proves the credentials work.
      const result = await this.client.ping({ select: true });
      return result.success;
    } catch {
      return false;
    }
  }

  async insert(records: readonly SpanRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.client.insert({
        table: `${this.schema.database}.spans`,
        values: records.map(toSpanRow),
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw classifyClickHouseError(error, `insert of ${records.length} spans failed`);
    }
  }

  async insertLlmEvents(projectId: string, records: readonly OtlpLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.client.insert({
        table: `${this.schema.database}.llm_log_events`,
        values: records.map((r, seq) => ({
          project_id: projectId,
          trace_id: r.traceId,
          span_id: r.spanId,
          time: nanosToDateTime64(r.timeUnixNano.toString()),
          seq,
          event_name: r.eventName || String(r.attributes['event.name'] ?? ''),
          body: JSON.stringify(r.body ?? null),
          attributes: JSON.stringify(r.attributes),
        })),
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw classifyClickHouseError(error, `insert of ${records.length} GenAI log events failed`);
    }
  }

  async put(records: readonly SpanRecord[], reason: string): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.client.insert({
        table: `${this.schema.database}.dead_letters`,
        values: records.map((r) => ({
          project_id: r.projectId,
          reason,
          trace_id: r.traceId,
          span_id: r.spanId,
          payload: JSON.stringify(r),
        })),
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw classifyClickHouseError(error, `dead-letter insert of ${records.length} spans failed`);
    }
  }

  async shutdown(): Promise<void> {
    // The client is owned by whoever created it (it may be shared with readers).
  }
}
