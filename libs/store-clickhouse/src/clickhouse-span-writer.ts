import type { ClickHouseClient } from '@clickhouse/client';
import type {
  DeadLetterSink,
  LlmEventWriter,
  OtlpLogRecord,
  SpanRecord,
  SpanWriter,
} from '@driftwatch/contracts';
import { PermanentError } from '@driftwatch/contracts';
import { classifyClickHouseError } from './errors.js';
import { migrate, type SchemaOptions } from './migrate.js';
import { rawInsertFor } from './raw-insert.js';
import { encodeSpansRowBinary, SPAN_COLUMNS } from './span-row-binary.js';
import { toLlmEventRow, toSpanRow, utcDay } from './span-row.js';

/**
 * Days per insert. Tables are partitioned by day and ClickHouse refuses an insert touching more than
 * max_partitions_per_insert_block (100) partitions (error 252): one export whose spans fall on 101 days would
 * stall the writer. A batch is split into inserts of at most this many UTC days; 32, not 100, because the
 * server's time zone decides the partition and one UTC day can touch two or (across a DST change) three local
 * days. Raising the setting instead would let one request create thousands of parts in one insert.
 */
export const MAX_DAYS_PER_INSERT = 32;

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

  /**
   * Almost every batch lies within a day or two and is one insert. A batch over more days is several inserts,
   * each atomic; should a later one fail, the writer retries the whole batch, and the rows already stored
   * collapse onto their copies (ReplacingMergeTree read with FINAL; trace_index keeps min/max).
   */
  async insert(records: readonly SpanRecord[]): Promise<void> {
    if (records.length === 0) return;
    const table = `${this.schema.database}.spans`;
    const raw = rawInsertFor(this.client);
    try {
      for (const chunk of byDays(records, (r) => utcDay(r.startTimeUnixNano))) {
        // Embedded: RowBinary, built straight into one Buffer (no row objects, no JSON to build or parse).
        // A ClickHouse server keeps JSONEachRow, which also tolerates older servers' column types.
        if (raw) {
          await raw.rowBinary(table, SPAN_COLUMNS, encodeSpansRowBinary(chunk));
          continue;
        }
        await this.client.insert({
          table,
          values: chunk.map(toSpanRow),
          format: 'JSONEachRow',
        });
      }
    } catch (error) {
      // The RowBinary encoder refuses a value the column cannot hold, as ClickHouse refused it in JSON.
      if (error instanceof PermanentError) throw error;
      throw classifyClickHouseError(error, `insert of ${records.length} spans failed`);
    }
  }

  async insertLlmEvents(projectId: string, records: readonly OtlpLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = Date.now();
    const rows = records.map((r, seq) => toLlmEventRow(projectId, r, seq, now));
    try {
      // row.time is "seconds.nanoseconds": without the dot, the nanoseconds.
      for (const chunk of byDays(rows, (row) => utcDay(row.time.replace('.', '')))) {
        await this.client.insert({
          table: `${this.schema.database}.llm_log_events`,
          values: chunk,
          format: 'JSONEachRow',
        });
      }
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

/**
 * The items in groups of at most MAX_DAYS_PER_INSERT distinct days, days in ascending order and items in their
 * original order within a group. The common case (few days) returns the items as they are, uncopied.
 */
export function byDays<T>(items: readonly T[], dayOf: (item: T) => number): (readonly T[])[] {
  const days = items.map(dayOf);
  const distinct = [...new Set(days)];
  if (distinct.length <= MAX_DAYS_PER_INSERT) return [items];
  distinct.sort((a, b) => a - b);
  const group = new Map<number, number>();
  distinct.forEach((day, i) => group.set(day, Math.floor(i / MAX_DAYS_PER_INSERT)));
  const groups: T[][] = Array.from({ length: Math.ceil(distinct.length / MAX_DAYS_PER_INSERT) }, () => []);
  items.forEach((item, i) => groups[group.get(days[i] ?? 0) ?? 0]?.push(item));
  return groups;
}
