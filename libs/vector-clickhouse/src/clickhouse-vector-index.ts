import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { runMigrations, type SchemaOptions } from '@driftwatch/clickhouse-migrate';
import type {
  VectorEntry,
  VectorFilter,
  VectorIndex,
  VectorMatch,
  VectorSampleRequest,
} from '@driftwatch/contracts';
import {
  checkEntries,
  checkFilter,
  checkNearest,
  checkSample,
  MAX_NEAREST_K,
  RetryableError,
  UnavailableError,
} from '@driftwatch/contracts';
import { latestPerSpanField, toEntry, toInsertRow, toMatch, whereClause, type VectorRow } from './rows.js';
import { DEFAULT_HNSW, vectorSchema, type HnswSettings } from './schema.js';

export interface ClickHouseVectorIndexOptions {
  schema: SchemaOptions;
  dimensions: number;
  hnsw?: HnswSettings;
  /** ef_search: candidate list size of each search (recall against latency). */
  candidatesForSearch?: number;
  maxSampleSize?: number;
}

/** ef_search, chosen with DEFAULT_HNSW (docs/adr/0002-vector-index.md). */
const DEFAULT_SEARCH_CANDIDATES = 128;

const METADATA = `project_id, trace_id, span_id, field, toUnixTimestamp64Milli(time) AS time_ms, model, release,
  topic_id, toUnixTimestamp64Milli(updated_at) AS updated_ms`;

/**
 * VectorIndex on ClickHouse's own HNSW index (vector_similarity), in chDB beside the spans or on a server >= 25.8.
 * nearest() asks the index without FINAL: FINAL makes ClickHouse read every granule the primary key spans, which
 * turns the search into an exact scan (measured: docs/adr/0002-vector-index.md). Versions of a row not yet merged
 * away carry the same vector and metadata, so they are collapsed here, keeping the latest. The topic is the one
 * field a later upsert changes, so a topic filter (and any search the index answers short, e.g. under selective
 * filters) is answered by an exact scan with FINAL, which sees only the latest version of each row.
 * The client belongs to the caller (embedded, it is the one chDB session of the process).
 */
export class ClickHouseVectorIndex implements VectorIndex {
  readonly dimensions: number;
  readonly maxSampleSize: number;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private lastVersionMs = 0;
  private readonly db: string;
  private readonly searchSettings: ClickHouseSettings;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: ClickHouseVectorIndexOptions,
  ) {
    this.dimensions = options.dimensions;
    this.maxSampleSize = options.maxSampleSize ?? 20_000;
    this.db = options.schema.database;
    // Rescoring: the index proposes k x 2 candidates (its distances are of quantized vectors); their exact
    // distances from the Float32 column decide the order, so near-ties come out as an exact scan orders them.
    this.searchSettings = {
      hnsw_candidate_list_size_for_search: options.candidatesForSearch ?? DEFAULT_SEARCH_CANDIDATES,
      vector_search_with_rescoring: 1,
      vector_search_index_fetch_multiplier: 2,
    };
    vectorSchema(options.dimensions, options.hnsw ?? DEFAULT_HNSW); // fails fast on bad settings
  }

  async start(): Promise<void> {
    if (this.state === 'started') return;
    if (this.state === 'stopped') throw new UnavailableError('vector index is shut down');
    try {
      await runMigrations(this.client, this.options.schema, vectorSchema(this.dimensions, this.options.hnsw));
    } catch (error) {
      throw engineError(error, 'vector index schema migration failed');
    }
    this.state = 'started';
  }

  async shutdown(): Promise<void> {
    this.state = 'stopped';
  }

  async isReady(): Promise<boolean> {
    if (this.state !== 'started') return false;
    try {
      return (await this.client.ping({ select: true })).success;
    } catch {
      return false;
    }
  }

  async upsert(entries: readonly VectorEntry[]): Promise<void> {
    this.requireStarted();
    checkEntries(entries, this.dimensions);
    if (entries.length === 0) return;
    // The version ReplacingMergeTree keeps: strictly increasing, so a later upsert wins even within one ms.
    const now = Math.max(Date.now(), this.lastVersionMs + 1);
    this.lastVersionMs = now;
    try {
      await this.client.insert({
        table: `${this.db}.vectors`,
        values: entries.map((e) => toInsertRow(e, now)),
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw engineError(error, `upsert of ${entries.length} vectors failed`);
    }
  }

  async nearest(vector: Float32Array, k: number, filter: VectorFilter): Promise<VectorMatch[]> {
    this.requireStarted();
    checkNearest(vector, k, filter, this.dimensions);
    if (filter.topicId === undefined) {
      // Room for unmerged duplicates, within the LIMIT up to which ClickHouse uses the index (1000 by default).
      const fetch = Math.min(2 * k, MAX_NEAREST_K);
      const approximate = await this.search(vector, fetch, filter, '', this.searchSettings);
      if (approximate.length >= k) return approximate.slice(0, k);
    }
    return this.search(vector, k, filter, 'FINAL', { vector_search_filter_strategy: 'prefilter' });
  }

  async sample(request: VectorSampleRequest): Promise<VectorEntry[]> {
    this.requireStarted();
    const limit = checkSample(request, this.maxSampleSize);
    const where = whereClause(request);
    // rand() orders the window uniformly; a seeded hash of the row's key does too, the same way every time (its
    // value does not depend on time, so the pick is still spread over the window). Only the chosen rows' vectors
    // are read (lazy materialization).
    const seeded = request.seed !== undefined;
    const order = seeded ? 'cityHash64(span_id, field, {seed:UInt32}), span_id, field' : 'rand()';
    const rows = await this.select(
      `SELECT ${METADATA}, vector FROM ${this.db}.vectors FINAL WHERE ${where.sql}
       ORDER BY ${order} LIMIT {limit:UInt32}`,
      { ...where.params, limit, ...(seeded ? { seed: request.seed } : {}) },
      {},
      'sample',
    );
    return rows.map(toEntry);
  }

  async latestTimeMs(filter: VectorFilter): Promise<number | null> {
    this.requireStarted();
    checkFilter(filter, 'latestTimeMs');
    const where = whereClause(filter);
    // One partition (the project), two narrow columns (time, field) read; no vectors. Without FINAL unless the
    // topic is asked: all versions of a row share its time, but only the latest carries its current topic.
    const final = filter.topicId === undefined ? '' : 'FINAL';
    const rows = await this.select(
      `SELECT toUnixTimestamp64Milli(time) AS time_ms FROM ${this.db}.vectors ${final} WHERE ${where.sql}
       ORDER BY time DESC LIMIT 1`,
      where.params,
      {},
      'latest time',
    );
    return rows.length ? Number(rows[0]!.time_ms) : null;
  }

  async deleteOlderThan(projectId: string, beforeMs: number): Promise<void> {
    this.requireStarted();
    checkFilter({ projectId, toMs: beforeMs }, 'deleteOlderThan');
    try {
      // A lightweight delete: rows are hidden at once and dropped by the next merges (within one partition).
      await this.client.command({
        query: `DELETE FROM ${this.db}.vectors WHERE project_id = {project:String}
                AND time < fromUnixTimestamp64Milli({beforeMs:Int64}, 'UTC')`,
        query_params: { project: projectId, beforeMs: Math.ceil(beforeMs) },
      });
    } catch (error) {
      throw engineError(error, 'delete of old vectors failed');
    }
  }

  private async search(
    vector: Float32Array,
    limit: number,
    filter: VectorFilter,
    final: '' | 'FINAL',
    settings: ClickHouseSettings,
  ): Promise<VectorMatch[]> {
    const where = whereClause(filter);
    const rows = await this.select(
      `SELECT ${METADATA}, cosineDistance(vector, {query:Array(Float32)}) AS distance
       FROM ${this.db}.vectors ${final} WHERE ${where.sql} ORDER BY distance LIMIT {limit:UInt32}`,
      { ...where.params, query: Array.from(vector), limit },
      settings,
      'nearest',
    );
    return latestPerSpanField(rows).map(toMatch);
  }

  private async select(
    query: string,
    params: Record<string, unknown>,
    settings: ClickHouseSettings,
    what: string,
  ): Promise<VectorRow[]> {
    try {
      const result = await this.client.query({
        query,
        query_params: params,
        clickhouse_settings: settings,
        format: 'JSONEachRow',
      });
      return await result.json<VectorRow>();
    } catch (error) {
      throw engineError(error, `vector ${what} failed`);
    }
  }

  private requireStarted(): void {
    if (this.state !== 'started')
      throw new UnavailableError(`vector index is ${this.state === 'new' ? 'not started' : 'shut down'}`);
  }
}

/** Inputs are checked before they reach the engine, so what it rejects is taken as transient. */
function engineError(error: unknown, what: string): RetryableError {
  return new RetryableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
