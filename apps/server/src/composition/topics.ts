import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ProjectStore, TopicStore, VectorEntry } from '@driftwatch/contracts';
import { ClickHouseTopicStore } from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';
import { fitInWorker } from '../topics/fit-runner.js';
import { loadTopicsConfig } from '../topics/topics-config.js';
import { TopicsJob } from '../topics/topics-job.js';
import type { Embedding } from './embedding.js';

export interface Topics {
  store: TopicStore;
  /** The fitting and assigning job; null where it does not run (no embedder role, or embeddings off). */
  job: TopicsJob | null;
  /** The embedding stage's port: vectors it stored. */
  onStored(entries: readonly VectorEntry[]): void;
  shutdown(): Promise<void>;
}

/**
 * Topics live in ClickHouse beside the spans (every role reads them); the job runs where the embedding stage runs:
 * the one process embedded, the embedder role distributed (a lease in the store keeps one fitter per project).
 */
export function createTopics(
  config: DriftwatchConfig,
  client: ClickHouseClient,
  embedding: Embedding,
  projects: ProjectStore,
  log: (message: string) => void,
): Topics {
  const store = new ClickHouseTopicStore(client, config.database);
  const settings = loadTopicsConfig();
  const runs = config.roles.has('embedder') && config.embeddings.mode !== 'off';
  const job = runs
    ? new TopicsJob({
        store,
        index: () => embedding.index,
        projects: async () => (await projects.listProjects()).map((p) => p.projectId),
        // Bundled beside main.js by scripts/build.mjs.
        fit: fitInWorker(new URL('./topics-worker.js', import.meta.url)),
        settings,
        claimant: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        log,
      })
    : null;
  job?.start();
  return {
    store,
    job,
    onStored: (entries) => job?.onStored(entries),
    shutdown: async () => job?.shutdown(),
  };
}
