import type {
  VectorEntry,
  VectorField,
  VectorFilter,
  VectorMatch,
  VectorMetadata,
} from '@driftwatch/contracts';

/** A row as JSONEachRow returns it (times as ms since epoch, 64-bit integers quoted). */
export interface VectorRow {
  project_id: string;
  trace_id: string;
  span_id: string;
  field: string;
  time_ms: string | number;
  model: string;
  release: string;
  topic_id: string | null;
  updated_ms: string | number;
  distance?: number;
  vector?: number[];
}

/** DateTime64(3, 'UTC') text for JSONEachRow input (the engine parses it in the column's time zone). */
export function dateTime64(ms: number): string {
  return new Date(Math.round(ms)).toISOString().replace('T', ' ').replace('Z', '');
}

export function toInsertRow(e: VectorEntry, updatedMs: number): Record<string, unknown> {
  return {
    project_id: e.projectId,
    span_id: e.spanId,
    field: e.field,
    trace_id: e.traceId,
    time: dateTime64(e.timeMs),
    model: e.model,
    release: e.release,
    topic_id: e.topicId,
    vector: Array.from(e.vector),
    updated_at: dateTime64(updatedMs),
  };
}

export function toMetadata(row: VectorRow): VectorMetadata {
  return {
    projectId: row.project_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    field: row.field as VectorField,
    timeMs: Number(row.time_ms),
    model: row.model,
    release: row.release,
    topicId: row.topic_id,
  };
}

export const toMatch = (row: VectorRow): VectorMatch => ({
  ...toMetadata(row),
  distance: Number(row.distance),
});

export const toEntry = (row: VectorRow): VectorEntry => ({
  ...toMetadata(row),
  vector: Float32Array.from(row.vector ?? []),
});

/** The WHERE clause of a filter, with its parameters; the project always comes first. */
export function whereClause(filter: VectorFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ['project_id = {project:String}'];
  const params: Record<string, unknown> = { project: filter.projectId };
  if (filter.fromMs !== undefined) {
    parts.push("time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')");
    params['fromMs'] = Math.ceil(filter.fromMs);
  }
  if (filter.toMs !== undefined) {
    parts.push("time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')");
    params['toMs'] = Math.ceil(filter.toMs);
  }
  for (const [key, column] of [
    ['model', 'model'],
    ['release', 'release'],
    ['field', 'field'],
    ['topicId', 'topic_id'],
  ] as const) {
    const value = filter[key];
    if (value === undefined) continue;
    parts.push(`${column} = {${key}:String}`);
    params[key] = value;
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * One row per (span, field), nearest first: duplicates are versions not yet merged away (same vector, so the same
 * distance); the latest upsert wins.
 */
export function latestPerSpanField(rows: readonly VectorRow[]): VectorRow[] {
  const latest = new Map<string, VectorRow>();
  for (const row of rows) {
    const key = `${row.span_id}\u0000${row.field}`;
    const seen = latest.get(key);
    if (!seen || Number(row.updated_ms) > Number(seen.updated_ms)) latest.set(key, row);
  }
  return [...latest.values()].sort((a, b) => Number(a.distance) - Number(b.distance));
}
