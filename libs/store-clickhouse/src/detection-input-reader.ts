import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  CallMetrics,
  DetectionInput,
  DetectionInputReader,
  DetectorSettings,
  EmbeddedCall,
  TimeWindow,
  TopicCentroid,
  VectorField,
  VectorIndex,
} from '@driftwatch/contracts';
import { countedUsageCondition } from './counted-usage.js';
import { classifyClickHouseError } from './errors.js';

export interface DetectionInputReaderOptions {
  /** The vector index when embeddings are on (it may start after the reader is built); null: no vectors. */
  index: () => VectorIndex | null;
  /**
   * Most calls read per window (and for the whole baseline range); more are sampled uniformly, by hash of the span
   * so every run takes the same ones. 100,000 calls measured 13 MB of heap, and as much again in the detector worker.
   */
  maxCallsPerWindow?: number;
  /** Most embedded calls sampled per window and side (request, response). */
  maxVectorsPerWindow?: number;
  /** A sample() that failed: the run goes on with the metric regressions only. */
  onVectorError?: (error: unknown) => void;
  /** End-user feedback per trace (negative or not, mean numeric scores by name); absent: calls carry none. */
  feedback?: (projectId: string, window: TimeWindow) => Promise<Map<string, TraceJudgement>>;
}

/** What the regressions need of a trace's feedback (FeedbackStore.byTrace answers it). */
export interface TraceJudgement {
  negativeFeedback: boolean | null;
  scores: Record<string, number>;
}

/** Feedback and scores are added per trace after the read (addFeedback), through the feedback store's query. */
const FEEDBACK_COLUMNS = `CAST(NULL AS Nullable(UInt8)) AS negative_feedback, '{}' AS scores`;

const COLUMNS = `trace_id, span_id, toUnixTimestamp64Milli(start_time) AS time_ms, duration_ns,
      status = 'error' AS error, ifNull(input_tokens, 0) AS input_tokens, ifNull(output_tokens, 0) AS output_tokens,
      cost_usd, if(response_model != '', response_model, request_model) AS model, release, environment,
      if(prompt_name = '', '', concat(prompt_name, '@', prompt_version)) AS prompt, service_name,
      ${FEEDBACK_COLUMNS}`;

type CallRow = [
  string,
  string,
  string,
  string,
  number,
  number,
  number,
  number | null,
  string,
  string,
  string,
  string,
  string,
  number | null,
  string,
];

/**
 * Reads a detector's input: the LLM calls (innermost model calls, as the metrics count them) of the current
 * window and of its baseline, from the spans tables, and samples of the embedded calls from the vector index.
 * Baselines: 'trailing' is the `baselineWindows` windows before the current one, 'fixed' the frozen window, and
 * 'previous_release' the trailing windows' calls of releases other than the current window's main release.
 */
export class ClickHouseDetectionInputReader implements DetectionInputReader {
  private readonly maxCalls: number;
  private readonly maxVectors: number;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    private readonly options: DetectionInputReaderOptions,
  ) {
    this.maxCalls = options.maxCallsPerWindow ?? 100_000;
    this.maxVectors = options.maxVectorsPerWindow ?? 2_000;
  }

  async read(projectId: string, current: TimeWindow, settings: DetectorSettings): Promise<DetectionInput> {
    const baseline = baselineWindow(current, settings);
    const recent = recentWindow(baseline, current, settings.windowMs);
    const [currentCalls, trailingCalls, recentCalls] = await Promise.all([
      this.calls(projectId, current),
      this.calls(projectId, baseline),
      recent ? this.calls(projectId, recent) : Promise.resolve([]),
    ]);
    const baselineCalls =
      settings.baseline === 'previous_release'
        ? otherReleases(trailingCalls, mainRelease(currentCalls))
        : trailingCalls;
    const [currentVectors, baselineVectors, topics] = await Promise.all([
      this.vectors(projectId, current),
      this.vectors(projectId, baseline),
      settings.dimensions.includes('topic') ? this.topics(projectId) : Promise.resolve([]),
    ]);
    return {
      projectId,
      baseline,
      current,
      baselineCalls,
      currentCalls,
      ...(recentCalls.length ? { recentCalls } : {}),
      baselineVectors,
      currentVectors,
      ...(topics.length ? { topics } : {}),
      settings,
    };
  }

  /** The latest topic model's centroids (its rows are stored before its model row, so the version is complete). */
  private async topics(projectId: string): Promise<TopicCentroid[]> {
    try {
      const result = await this.client.query({
        query: `SELECT topic_id, label, terms, size, centroid FROM ${this.database}.topics FINAL
          WHERE project_id = {projectId:String}
            AND version = (SELECT max(version) FROM ${this.database}.topic_models WHERE project_id = {projectId:String})
          ORDER BY topic_id`,
        query_params: { projectId },
        format: 'JSONCompactEachRow',
      });
      const rows = await result.json<[string, string, string[], number, number[]]>();
      return rows.map(([id, label, terms, size, centroid]) => ({
        id,
        label,
        terms,
        size: Number(size),
        centroid: Float32Array.from(centroid),
      }));
    } catch (error) {
      throw classifyClickHouseError(error, 'reading topic centroids for detection failed');
    }
  }

  private async calls(projectId: string, window: TimeWindow): Promise<CallMetrics[]> {
    const db = this.database;
    let rows: CallRow[];
    try {
      const result = await this.client.query({
        query: `SELECT ${COLUMNS}
          FROM ${db}.spans FINAL
          WHERE project_id = {projectId:String}
            AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
            AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
            AND ${countedUsageCondition(db)}
          ORDER BY cityHash64(trace_id, span_id) LIMIT {max:UInt32}`,
        query_params: { projectId, fromMs: window.fromMs, toMs: window.toMs, max: this.maxCalls },
        format: 'JSONCompactEachRow',
      });
      rows = await result.json<CallRow>();
    } catch (error) {
      throw classifyClickHouseError(error, 'reading calls for detection failed');
    }
    const calls = rows.map(toCall).sort((a, b) => a.timeMs - b.timeMs);
    await Promise.all([this.addFeedback(projectId, window, calls), this.addTopics(projectId, window, calls)]);
    return calls;
  }

  /**
   * Each call's topic from the topics job's assignments of its request (migration 014); a call flagged novel or not
   * assigned yet has none, so regressions by topic compare a topic's own calls.
   */
  private async addTopics(projectId: string, window: TimeWindow, calls: CallMetrics[]): Promise<void> {
    if (calls.length === 0) return;
    let rows: [string, string][];
    try {
      const result = await this.client.query({
        query: `SELECT span_id, topic_id FROM ${this.database}.topic_assignments FINAL
          WHERE project_id = {projectId:String} AND field = 'request' AND novel = 0
            AND time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')
            AND time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`,
        query_params: { projectId, fromMs: window.fromMs, toMs: window.toMs },
        format: 'JSONCompactEachRow',
      });
      rows = await result.json<[string, string]>();
    } catch (error) {
      throw classifyClickHouseError(error, 'reading topic assignments for detection failed');
    }
    const topicOf = new Map(rows);
    for (const call of calls) call.topicId = topicOf.get(call.spanId) ?? null;
  }

  /** The trace's feedback onto each of its calls (a judgement is of the answer the trace gave). */
  private async addFeedback(projectId: string, window: TimeWindow, calls: CallMetrics[]): Promise<void> {
    const feedback = this.options.feedback;
    if (!feedback || calls.length === 0) return;
    // By the window's time: one query (a list of trace ids would travel in the request's URL).
    const judged = await feedback(projectId, window);
    for (const call of calls) {
      const j = judged.get(call.traceId);
      if (!j) continue;
      call.negativeFeedback = j.negativeFeedback;
      call.scores = j.scores;
    }
  }

  private async vectors(projectId: string, window: TimeWindow): Promise<EmbeddedCall[]> {
    const index = this.options.index();
    if (!index) return [];
    const limit = Math.min(this.maxVectors, index.maxSampleSize);
    try {
      const seed = sampleSeed(projectId, window);
      const sides = await Promise.all(
        (['request', 'response'] as VectorField[]).map((field) =>
          index.sample({ projectId, fromMs: window.fromMs, toMs: window.toMs, field, limit, seed }),
        ),
      );
      const entries = sides.flat();
      const texts = await this.requestTexts(
        projectId,
        window,
        entries.filter((e) => e.field === 'request').map((e) => e.spanId),
      );
      return entries.map((e) => {
        const text = e.field === 'request' ? texts.get(e.spanId) : undefined;
        return {
          traceId: e.traceId,
          spanId: e.spanId,
          timeMs: e.timeMs,
          field: e.field,
          model: e.model,
          release: e.release,
          vector: e.vector,
          topicId: e.topicId,
          ...(text ? { text } : {}),
        };
      });
    } catch (error) {
      this.options.onVectorError?.(error);
      return [];
    }
  }

  /**
   * The request text (last user message, as the embedding stage embeds it) of the sampled calls, for topic terms
   * and examples; extracted and cut to 2,000 characters by ClickHouse, so a long conversation is never read whole.
   */
  private async requestTexts(
    projectId: string,
    window: TimeWindow,
    spanIds: string[],
  ): Promise<Map<string, string>> {
    if (spanIds.length === 0) return new Map();
    const lastUser = `arrayLast(m -> lower(JSONExtractString(m, 'role')) IN ('user', 'human'),
        JSONExtractArrayRaw(input_messages))`;
    const result = await this.client.query({
      query: `SELECT span_id, substringUTF8(arrayStringConcat(arrayMap(p -> JSONExtractString(p, 'content'),
          arrayFilter(p -> JSONExtractString(p, 'type') = 'text', JSONExtractArrayRaw(${lastUser}, 'parts'))), '\n'),
          1, 2000) AS text
        FROM ${this.database}.spans
        WHERE project_id = {projectId:String}
          AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
          AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
          AND span_id IN {ids:Array(String)}`,
      query_params: { projectId, fromMs: window.fromMs, toMs: window.toMs, ids: spanIds },
      format: 'JSONCompactEachRow',
    });
    return new Map(await result.json<[string, string]>());
  }
}

/**
 * The vector sample's seed: a function of the project and the window's bounds, so a re-run of a window reads the
 * same vectors (and gives the same answer), and a fixed baseline is the same sample for every current window.
 */
function sampleSeed(projectId: string, window: TimeWindow): number {
  return createHash('sha256')
    .update(`${projectId}\u0000${window.fromMs}\u0000${window.toMs}`)
    .digest()
    .readUInt32BE(0);
}

export function baselineWindow(current: TimeWindow, settings: DetectorSettings): TimeWindow {
  if (settings.baseline === 'fixed' && settings.fixedBaseline) return settings.fixedBaseline;
  const width = current.toMs - current.fromMs;
  return { fromMs: current.fromMs - settings.baselineWindows * width, toMs: current.fromMs };
}

function toCall(r: CallRow): CallMetrics {
  return {
    traceId: r[0],
    spanId: r[1],
    timeMs: Number(r[2]),
    latencyMs: Number(r[3]) / 1e6,
    error: Number(r[4]) === 1,
    inputTokens: Number(r[5]),
    outputTokens: Number(r[6]),
    costUsd: r[7] === null ? null : Number(r[7]),
    model: r[8],
    release: r[9],
    environment: r[10],
    prompt: r[11],
    service: r[12],
    topicId: null,
    negativeFeedback: r[13] === null ? null : Number(r[13]) === 1,
    scores: JSON.parse(r[14]) as Record<string, number>,
  };
}

function mainRelease(calls: readonly CallMetrics[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.release, (counts.get(c.release) ?? 0) + 1);
  let best = '';
  let most = 0;
  for (const [release, n] of counts) if (n > most) [best, most] = [release, n];
  return best;
}

function otherReleases(calls: CallMetrics[], release: string): CallMetrics[] {
  return calls.filter((c) => c.release !== release);
}

/** Windows between the baseline's end and the current window that rate regressions pool with it (sustained). */
const RECENT_WINDOWS = 2;

/** The calls' range after the baseline and before the current window (see DetectionInput.recentCalls), if any. */
function recentWindow(baseline: TimeWindow, current: TimeWindow, windowMs: number): TimeWindow | null {
  const fromMs = Math.max(baseline.toMs, current.fromMs - RECENT_WINDOWS * windowMs);
  return fromMs < current.fromMs ? { fromMs, toMs: current.fromMs } : null;
}
