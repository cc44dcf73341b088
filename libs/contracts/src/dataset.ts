/**
 * Datasets built from reviewed items: the input messages of a judged LLM call and its corrected (or approved)
 * answer. A version is immutable: its items are written once and then published; nothing changes them after.
 */

export interface Dataset {
  datasetId: string;
  projectId: string;
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
}

/** Where a version's items came from: the queues read and the labels that approve a model's own answer. */
export interface DatasetVersionSource {
  queueIds: string[];
  approvedLabels: string[];
}

export interface DatasetVersion {
  datasetId: string;
  version: number;
  itemCount: number;
  source: DatasetVersionSource;
  note: string;
  createdAt: string;
  createdBy: string;
}

/** A chat message as fine-tuning formats take it: text only. */
export interface ChatMessage {
  role: string;
  content: string;
}

export type DatasetMetadata = Record<string, string | number | boolean | string[]>;

export interface DatasetItem {
  /** 0-based order in the version. */
  position: number;
  traceId: string;
  spanId: string;
  input: ChatMessage[];
  expected: string;
  metadata: DatasetMetadata;
}

/** A judged review item, with what its reviewers said (for building a version). */
export interface ReviewedItem {
  queueId: string;
  itemId: string;
  traceId: string;
  spanId: string;
  /** The latest non-empty corrected answer of its judgements, '' when none corrected it. */
  corrected: string;
  labels: string[];
  reviewers: string[];
}

export interface DatasetStore {
  createDataset(dataset: Dataset): Promise<void>;
  listDatasets(projectId: string): Promise<Dataset[]>;
  getDataset(projectId: string, datasetId: string): Promise<Dataset | null>;
  listVersions(projectId: string, datasetId: string): Promise<DatasetVersion[]>;
  getVersion(projectId: string, datasetId: string, version: number): Promise<DatasetVersion | null>;
  /**
   * Writes the items under the next version number (in chunks, so memory stays bounded) and then publishes the
   * version; an interrupted creation publishes nothing.
   */
  createVersion(
    projectId: string,
    datasetId: string,
    items: AsyncIterable<Omit<DatasetItem, 'position'>>,
    meta: Pick<DatasetVersion, 'source' | 'note' | 'createdBy'>,
  ): Promise<DatasetVersion>;
  /** Items of a published version from a position on, in order (at most `limit`). */
  items(
    projectId: string,
    datasetId: string,
    version: DatasetVersion,
    fromPosition: number,
    limit: number,
  ): Promise<DatasetItem[]>;
  /** Judged items of the queues, in (queue, item) order, read page by page. */
  reviewedItems(projectId: string, queueIds: readonly string[]): AsyncIterable<ReviewedItem>;
}
