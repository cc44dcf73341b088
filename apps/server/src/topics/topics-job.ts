import type {
  StoredCallMessages,
  StoredTopicModel,
  TopicAssignment,
  TopicStore,
  VectorEntry,
  VectorIndex,
} from '@driftwatch/contracts';
import { callTexts } from '@driftwatch/embedding';
import { assignTopic } from '@driftwatch/topics';
import { toTopicModel, type FitCall } from './fit-model.js';
import type { FitRunner } from './fit-runner.js';
import type { TopicsSettings } from './topics-config.js';

export interface TopicsJobOptions {
  store: TopicStore;
  /** The vector index once its adapter started; null until then (or when embeddings are off). */
  index: () => VectorIndex | null;
  /** Projects the schedule looks at (besides those whose calls it sees). */
  projects: () => Promise<string[]>;
  fit: FitRunner;
  settings: TopicsSettings;
  /** This process's id in the fit lease. */
  claimant: string;
  log: (message: string) => void;
  now?: () => number;
}

/** Why a fit did not happen, or the version it stored. */
export type RefitResult =
  { fitted: true; version: number; topics: number; calls: number } | { fitted: false; reason: string };

export interface TopicsJobHealth {
  pendingAssignments: number;
  assignedCalls: number;
  droppedAssignments: number;
  fits: number;
  lastError: string | null;
}

interface ProjectState {
  model: StoredTopicModel | null;
  loadedAtMs: number;
  /** Request vectors seen since the last fit attempt that found too few. */
  seenSinceTry: number;
  /** Vectors the last attempt found (a first fit needs settings.minCalls); null before any attempt. */
  lastSampleSize: number | null;
  fitting: Promise<RefitResult> | null;
  /** Request vectors stored before the project's first model: assigned once it exists. */
  waiting: VectorEntry[];
}

/** A model read from the store is trusted this long: another process's new fit shows up within it. */
const MODEL_CACHE_MS = 30_000;
/** A fit holds its project's lease this long at most (a fit of 20,000 vectors takes about a minute here). */
const FIT_LEASE_MS = 15 * 60_000;
/** Vectors kept per project waiting for its first model (the fit's sample covers those stored before it). */
const MAX_WAITING = 2_000;
/** Assignments written per batch. */
const ASSIGN_BATCH = 500;

/**
 * Topics per project: fits on a schedule (and a first fit once a project has enough request vectors), one fitter
 * per project across processes (a lease in the store), and online assignment of every request vector the
 * embedding stage stores. A fit re-assigns the calls of its sample; the topic also goes onto the vector entries.
 */
export class TopicsJob {
  private readonly projects = new Map<string, ProjectState>();
  private pending: VectorEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private assignTimer: NodeJS.Timeout | null = null;
  private assigning: Promise<void> | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => number;
  private readonly counts = { assignedCalls: 0, droppedAssignments: 0, fits: 0 };
  private lastError: string | null = null;

  constructor(private readonly options: TopicsJobOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.settings.checkMs);
    this.timer.unref();
    // The first check soon after start: projects that already have enough vectors get their first fit.
    setTimeout(() => void this.tick(), Math.min(5_000, this.options.settings.checkMs)).unref();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.assignTimer) clearTimeout(this.assignTimer);
    await this.assigning;
    await this.ticking;
    // A fit in its worker is not waited for: it ends with the process, and a stopped job does not store it.
  }

  health(): TopicsJobHealth {
    return { pendingAssignments: this.pending.length, ...this.counts, lastError: this.lastError };
  }

  /** The embedding stage stored these vectors: request vectors are queued for assignment (bounded; never waits). */
  onStored(entries: readonly VectorEntry[]): void {
    if (this.stopped) return;
    for (const entry of entries) {
      if (entry.field !== 'request') continue;
      if (this.pending.length >= this.options.settings.maxPendingAssignments) {
        this.counts.droppedAssignments++;
        continue;
      }
      this.pending.push(entry);
      this.state(entry.projectId).seenSinceTry++;
    }
    this.assignTimer ??= setTimeout(() => {
      this.assignTimer = null;
      void this.assignPending();
    }, this.options.settings.assignDelayMs);
  }

  /** Fits the project now (the admin's refit), unless another process holds its lease. */
  refit(projectId: string): Promise<RefitResult> {
    return this.fitOnce(projectId, true);
  }

  /** One pass of the schedule: every project whose fit is due (or that never had one) is fitted. */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        const known = new Set([...(await this.options.projects()), ...this.projects.keys()]);
        for (const projectId of known) {
          if (this.stopped) return;
          if (await this.due(projectId)) await this.fitOnce(projectId, false);
        }
      } catch (error) {
        this.fail('topic schedule', error);
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  private async due(projectId: string): Promise<boolean> {
    const state = this.state(projectId);
    const model = await this.model(projectId);
    if (model) return this.now() - model.fittedAtMs >= this.options.settings.refitMs;
    // No model yet: try at the first check, then again once enough new vectors arrived here to make up the count.
    if (state.lastSampleSize === null) return true;
    return state.seenSinceTry >= Math.max(1, this.options.settings.minCalls - state.lastSampleSize);
  }

  private fitOnce(projectId: string, forced: boolean): Promise<RefitResult> {
    const state = this.state(projectId);
    state.fitting ??= this.fitProject(projectId, forced)
      .catch((error): RefitResult => {
        this.fail(`topic fit of project ${projectId}`, error);
        return { fitted: false, reason: `the fit failed: ${(error as Error).message}` };
      })
      .finally(() => (state.fitting = null));
    return state.fitting;
  }

  private async fitProject(projectId: string, forced: boolean): Promise<RefitResult> {
    const { settings, store } = this.options;
    const index = this.options.index();
    if (!index)
      return { fitted: false, reason: 'the vector index is not available (embeddings off or starting)' };
    const now = this.now();
    // The sample first (a read): a project with too few vectors takes no lease, which would hold other processes.
    const { window, sample } = await this.fitSample(index, projectId, now);
    const state = this.state(projectId);
    state.seenSinceTry = 0;
    state.lastSampleSize = sample.length;
    if (sample.length < settings.minCalls)
      return {
        fitted: false,
        reason: `${sample.length} request vectors in the window; a fit needs at least ${settings.minCalls}`,
      };
    if (!(await store.claimFit(projectId, this.options.claimant, FIT_LEASE_MS)))
      return { fitted: false, reason: 'another process is fitting this project now' };
    const previous = await store.latestModel(projectId);
    if (!forced && previous && now - previous.fittedAtMs < settings.refitMs)
      return { fitted: false, reason: 'fitted recently by another process' };
    const messages = await store.callMessages(projectId, sample);
    const calls: FitCall[] = sample.map((e) => ({
      traceId: e.traceId,
      spanId: e.spanId,
      timeMs: e.timeMs,
      vector: e.vector,
      text: requestText(messages.get(e.spanId)),
    }));
    const started = this.now();
    const output = await this.options.fit({
      projectId,
      version: (previous?.version ?? 0) + 1,
      fittedAtMs: now,
      window,
      calls,
      previous,
      mapPoints: settings.mapPoints,
      seed: settings.seed,
    });
    if (this.stopped) return { fitted: false, reason: 'shutting down' };
    await store.saveModel(output.model, output.lineage);
    state.model = output.model;
    state.loadedAtMs = this.now();
    this.counts.fits++;
    this.options.log(
      `topics: project ${projectId} fitted v${output.model.version}: ${output.model.topics.length} topics from ${calls.length} calls in ${this.now() - started} ms`,
    );
    // The sample window is assigned again with the new model (ids are stable, so most assignments keep theirs).
    const assignments: TopicAssignment[] = sample.map((e, i) => ({
      ...assignmentBase(e),
      ...output.assignments[i]!,
      modelVersion: output.model.version,
    }));
    await this.storeAssignments(sample, assignments);
    const sampled = new Set(sample.map((e) => e.spanId));
    const waiting = state.waiting.filter((e) => !sampled.has(e.spanId));
    state.waiting = [];
    if (waiting.length) await this.assignBatch(waiting);
    return {
      fitted: true,
      version: output.model.version,
      topics: output.model.topics.length,
      calls: calls.length,
    };
  }

  /**
   * The fit's window and its sample: the window ending now, or, when it holds too few request vectors, the window
   * ending at the project's newest request vector (history imported with past times, or a project quiet for longer
   * than the window), so such a project still gets topics and its calls their assignments.
   */
  private async fitSample(
    index: VectorIndex,
    projectId: string,
    now: number,
  ): Promise<{ window: { fromMs: number; toMs: number }; sample: VectorEntry[] }> {
    const { windowMs, sampleSize, minCalls, seed } = this.options.settings;
    const limit = Math.min(sampleSize, index.maxSampleSize);
    // Seeded: the same window gives the same calls in the same order, so the same topics (k is chosen on a
    // subsample of them); unseeded, two fits of one window chose 133 and 150 topics.
    const ending = (endMs: number) => ({ fromMs: endMs + 1 - windowMs, toMs: endMs + 1 });
    const recent = ending(now);
    const sample = await index.sample({ projectId, field: 'request', ...recent, limit, seed });
    if (sample.length >= minCalls) return { window: recent, sample };
    const latest = await index.latestTimeMs({ projectId, field: 'request' });
    if (latest === null || latest >= now) return { window: recent, sample };
    const past = ending(latest);
    return {
      window: past,
      sample: await index.sample({ projectId, field: 'request', ...past, limit, seed }),
    };
  }

  private async assignPending(): Promise<void> {
    if (this.assigning) return;
    this.assigning = (async () => {
      while (this.pending.length > 0 && !this.stopped) {
        const batch = this.pending.splice(0, ASSIGN_BATCH);
        try {
          await this.assignBatch(batch);
        } catch (error) {
          this.fail('topic assignment', error);
        }
      }
    })().finally(() => (this.assigning = null));
    await this.assigning;
  }

  private async assignBatch(batch: readonly VectorEntry[]): Promise<void> {
    const byProject = new Map<string, VectorEntry[]>();
    for (const e of batch)
      (byProject.get(e.projectId) ?? byProject.set(e.projectId, []).get(e.projectId)!).push(e);
    for (const [projectId, entries] of byProject) {
      const stored = await this.model(projectId);
      if (!stored || stored.topics.length === 0) {
        // Kept for the first fit (bounded): those its sample misses are assigned right after it.
        const state = this.state(projectId);
        const room =
          Math.min(MAX_WAITING, this.options.settings.maxPendingAssignments) - state.waiting.length;
        state.waiting.push(...entries.slice(0, Math.max(0, room)));
        this.counts.droppedAssignments += Math.max(0, entries.length - Math.max(0, room));
        continue;
      }
      const model = toTopicModel(stored);
      const fitting = entries.filter((e) => e.vector.length === model.dimensions);
      const assignments = fitting.map((e) => {
        const a = assignTopic(model, e.vector);
        return {
          ...assignmentBase(e),
          topicId: a.topicId,
          distance: a.distance,
          novelty: a.novelty,
          novel: a.novel,
          modelVersion: stored.version,
        };
      });
      await this.storeAssignments(fitting, assignments);
    }
  }

  /** Assignments into the store, and (when set) the topic onto the vector entries, which the index replaces. */
  private async storeAssignments(
    entries: readonly VectorEntry[],
    assignments: TopicAssignment[],
  ): Promise<void> {
    for (let i = 0; i < assignments.length; i += ASSIGN_BATCH) {
      await this.options.store.assign(assignments.slice(i, i + ASSIGN_BATCH));
    }
    this.counts.assignedCalls += assignments.length;
    const index = this.options.index();
    if (!this.options.settings.topicOnVectors || !index) return;
    for (let i = 0; i < entries.length; i += ASSIGN_BATCH) {
      await index.upsert(
        entries.slice(i, i + ASSIGN_BATCH).map((e, j) => ({ ...e, topicId: assignments[i + j]!.topicId })),
      );
    }
  }

  private async model(projectId: string): Promise<StoredTopicModel | null> {
    const state = this.state(projectId);
    if (this.now() - state.loadedAtMs >= MODEL_CACHE_MS) {
      state.model = await this.options.store.latestModel(projectId);
      state.loadedAtMs = this.now();
    }
    return state.model;
  }

  private state(projectId: string): ProjectState {
    let state = this.projects.get(projectId);
    if (!state) {
      state = {
        model: null,
        loadedAtMs: -Infinity,
        seenSinceTry: 0,
        lastSampleSize: null,
        fitting: null,
        waiting: [],
      };
      this.projects.set(projectId, state);
    }
    return state;
  }

  private fail(what: string, error: unknown): void {
    const message = `${what} failed: ${(error as Error).message}`;
    if (message !== this.lastError) this.options.log(`topics: ${message}`);
    this.lastError = message;
  }
}

function assignmentBase(
  e: VectorEntry,
): Omit<TopicAssignment, 'topicId' | 'distance' | 'novelty' | 'novel' | 'modelVersion'> {
  return {
    projectId: e.projectId,
    traceId: e.traceId,
    spanId: e.spanId,
    field: e.field,
    timeMs: e.timeMs,
    model: e.model,
    release: e.release,
  };
}

/** The request text as the embedding stage embedded it (the last user message). */
export function requestText(messages: StoredCallMessages | undefined): string {
  if (!messages) return '';
  return callTexts(messages, { request: true, response: false }).inputs[0]?.text ?? '';
}
