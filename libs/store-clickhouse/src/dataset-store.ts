import type { ClickHouseClient } from '@clickhouse/client';
import type {
  Dataset,
  DatasetItem,
  DatasetStore,
  DatasetVersion,
  DatasetVersionSource,
  ReviewedItem,
} from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';
import { insertJsonRows, queryJsonRows } from './json-rows.js';

/** Items written per insert while creating a version, and reviewed items read per page. */
const CHUNK = 1000;

interface VersionRow {
  dataset_id: string;
  version: number;
  item_count: string;
  source: string;
  note: string;
  created_at: string;
  created_by: string;
}

function toVersion(r: VersionRow): DatasetVersion {
  return {
    datasetId: r.dataset_id,
    version: Number(r.version),
    itemCount: Number(r.item_count),
    source: JSON.parse(r.source) as DatasetVersionSource,
    note: r.note,
    createdAt: fromClickHouseTime(r.created_at),
    createdBy: r.created_by,
  };
}

const VERSION_COLUMNS = `dataset_id, version, item_count, source, note, toString(created_at) AS created_at, created_by`;

/**
 * Datasets and their immutable versions. Version numbers of one dataset are given out one at a time in this
 * process; items are written before the version row, and reads never go past the published item count, so a
 * creation interrupted half-way (its number is reused by the next one, overwriting the same positions) shows
 * nothing.
 */
export class ClickHouseDatasetStore implements DatasetStore {
  private readonly creating = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly chunk = CHUNK,
  ) {}

  private rows<T>(query: string, params: Record<string, unknown>, what: string): Promise<T[]> {
    return queryJsonRows<T>(this.client, query, params, what);
  }

  private insert(table: string, values: Record<string, unknown>[], what: string): Promise<void> {
    return insertJsonRows(this.client, this.database, table, values, what);
  }

  async createDataset(dataset: Dataset): Promise<void> {
    await this.insert(
      'datasets',
      [
        {
          project_id: dataset.projectId,
          dataset_id: dataset.datasetId,
          name: dataset.name,
          description: dataset.description,
          created_at: toClickHouseTime(Date.parse(dataset.createdAt)),
          created_by: dataset.createdBy,
        },
      ],
      'dataset insert failed',
    );
  }

  private datasetsSql(where: string): string {
    return `SELECT dataset_id, project_id, name, description, toString(created_at) AS created_at, created_by
      FROM ${this.database}.datasets FINAL WHERE project_id = {projectId:String} ${where}
      ORDER BY created_at, dataset_id`;
  }

  private toDataset(r: Record<string, string>): Dataset {
    return {
      datasetId: r.dataset_id as string,
      projectId: r.project_id as string,
      name: r.name as string,
      description: r.description as string,
      createdAt: fromClickHouseTime(r.created_at as string),
      createdBy: r.created_by as string,
    };
  }

  async listDatasets(projectId: string): Promise<Dataset[]> {
    const rows = await this.rows<Record<string, string>>(
      this.datasetsSql(''),
      { projectId },
      'datasets query failed',
    );
    return rows.map((r) => this.toDataset(r));
  }

  async getDataset(projectId: string, datasetId: string): Promise<Dataset | null> {
    const [row] = await this.rows<Record<string, string>>(
      this.datasetsSql('AND dataset_id = {datasetId:String}'),
      { projectId, datasetId },
      'dataset query failed',
    );
    return row ? this.toDataset(row) : null;
  }

  async listVersions(projectId: string, datasetId: string): Promise<DatasetVersion[]> {
    const rows = await this.rows<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${this.database}.dataset_versions FINAL
       WHERE project_id = {projectId:String} AND dataset_id = {datasetId:String} ORDER BY version`,
      { projectId, datasetId },
      'dataset versions query failed',
    );
    return rows.map(toVersion);
  }

  async getVersion(projectId: string, datasetId: string, version: number): Promise<DatasetVersion | null> {
    const [row] = await this.rows<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM ${this.database}.dataset_versions FINAL
       WHERE project_id = {projectId:String} AND dataset_id = {datasetId:String} AND version = {version:UInt32}`,
      { projectId, datasetId, version },
      'dataset version query failed',
    );
    return row ? toVersion(row) : null;
  }

  async createVersion(
    projectId: string,
    datasetId: string,
    items: AsyncIterable<Omit<DatasetItem, 'position'>>,
    meta: Pick<DatasetVersion, 'source' | 'note' | 'createdBy'>,
  ): Promise<DatasetVersion> {
    const key = `${projectId}\n${datasetId}`;
    const previous = this.creating.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => this.writeVersion(projectId, datasetId, items, meta),
      () => this.writeVersion(projectId, datasetId, items, meta),
    );
    const settled = run.catch(() => undefined);
    this.creating.set(key, settled);
    void settled.then(() => this.creating.get(key) === settled && this.creating.delete(key));
    return run;
  }

  private async writeVersion(
    projectId: string,
    datasetId: string,
    items: AsyncIterable<Omit<DatasetItem, 'position'>>,
    meta: Pick<DatasetVersion, 'source' | 'note' | 'createdBy'>,
  ): Promise<DatasetVersion> {
    const [last] = await this.rows<{ v: number }>(
      `SELECT max(version) AS v FROM ${this.database}.dataset_versions FINAL
       WHERE project_id = {projectId:String} AND dataset_id = {datasetId:String}`,
      { projectId, datasetId },
      'dataset versions query failed',
    );
    const version = Number(last?.v ?? 0) + 1;
    let position = 0;
    let chunk: Record<string, unknown>[] = [];
    const flush = async () => {
      await this.insert('dataset_items', chunk, 'dataset items insert failed');
      chunk = [];
    };
    for await (const item of items) {
      chunk.push({
        project_id: projectId,
        dataset_id: datasetId,
        version,
        position: position++,
        trace_id: item.traceId,
        span_id: item.spanId,
        input: JSON.stringify(item.input),
        expected: item.expected,
        metadata: JSON.stringify(item.metadata),
      });
      if (chunk.length >= this.chunk) await flush();
    }
    await flush();
    const now = Date.now();
    const published: DatasetVersion = {
      datasetId,
      version,
      itemCount: position,
      source: meta.source,
      note: meta.note,
      createdAt: new Date(now).toISOString(),
      createdBy: meta.createdBy,
    };
    await this.insert(
      'dataset_versions',
      [
        {
          project_id: projectId,
          dataset_id: datasetId,
          version,
          item_count: position,
          source: JSON.stringify(meta.source),
          note: meta.note,
          created_at: toClickHouseTime(now),
          created_by: meta.createdBy,
        },
      ],
      'dataset version insert failed',
    );
    return published;
  }

  async items(
    projectId: string,
    datasetId: string,
    version: DatasetVersion,
    fromPosition: number,
    limit: number,
  ): Promise<DatasetItem[]> {
    const rows = await this.rows<{
      position: number;
      trace_id: string;
      span_id: string;
      input: string;
      expected: string;
      metadata: string;
    }>(
      `SELECT position, trace_id, span_id, input, expected, metadata
       FROM ${this.database}.dataset_items FINAL
       WHERE project_id = {projectId:String} AND dataset_id = {datasetId:String} AND version = {version:UInt32}
         AND position >= {from:UInt32} AND position < {to:UInt32}
       ORDER BY position`,
      {
        projectId,
        datasetId,
        version: version.version,
        from: fromPosition,
        to: Math.min(version.itemCount, fromPosition + limit),
      },
      'dataset items query failed',
    );
    return rows.map((r) => ({
      position: Number(r.position),
      traceId: r.trace_id,
      spanId: r.span_id,
      input: JSON.parse(r.input) as DatasetItem['input'],
      expected: r.expected,
      metadata: JSON.parse(r.metadata) as DatasetItem['metadata'],
    }));
  }

  async *reviewedItems(projectId: string, queueIds: readonly string[]): AsyncIterable<ReviewedItem> {
    let after = { queueId: '', itemId: '' };
    for (;;) {
      const rows = await this.rows<{
        queue_id: string;
        item_id: string;
        trace_id: string;
        span_id: string;
        corrected: string;
        labels: string[];
        reviewers: string[];
      }>(
        `SELECT j.queue_id AS queue_id, j.item_id AS item_id, any(i.trace_id) AS trace_id, any(i.span_id) AS span_id,
                argMaxIf(j.corrected_answer, j.updated_at, j.corrected_answer != '') AS corrected,
                groupArray(j.label) AS labels, groupArray(j.reviewer_id) AS reviewers
         FROM (SELECT * FROM ${this.database}.review_judgements FINAL
               WHERE project_id = {projectId:String} AND queue_id IN {queueIds:Array(String)}
                 AND (queue_id, item_id) > ({afterQueue:String}, {afterItem:String})) AS j
         INNER JOIN (SELECT queue_id, item_id, trace_id, span_id FROM ${this.database}.review_items FINAL
               WHERE project_id = {projectId:String} AND queue_id IN {queueIds:Array(String)}) AS i
           ON j.queue_id = i.queue_id AND j.item_id = i.item_id
         GROUP BY j.queue_id, j.item_id
         ORDER BY j.queue_id, j.item_id
         LIMIT {limit:UInt32}`,
        {
          projectId,
          queueIds: [...queueIds],
          afterQueue: after.queueId,
          afterItem: after.itemId,
          limit: this.chunk,
        },
        'reviewed items query failed',
      );
      for (const r of rows)
        yield {
          queueId: r.queue_id,
          itemId: r.item_id,
          traceId: r.trace_id,
          spanId: r.span_id,
          corrected: r.corrected,
          labels: r.labels,
          reviewers: r.reviewers,
        };
      const last = rows[rows.length - 1];
      if (!last || rows.length < this.chunk) return;
      after = { queueId: last.queue_id, itemId: last.item_id };
    }
  }
}
