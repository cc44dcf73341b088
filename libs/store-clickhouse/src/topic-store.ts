import type { ClickHouseClient } from '@clickhouse/client';
import type {
  StoredCallMessages,
  StoredTopic,
  StoredTopicModel,
  TopicActivityReport,
  TopicAssignment,
  TopicLineageEvent,
  TopicLineageKind,
  TopicStore,
  TopicWindow,
} from '@driftwatch/contracts';
import { currentHolder } from './alert-lease.js';
import { insertJsonRows, queryJsonRows } from './json-rows.js';

interface ModelRow {
  version: number;
  fitted_ms: string;
  from_ms: string;
  to_ms: string;
  sample_size: number;
  dimensions: number;
  novelty_quantile: number;
  next_topic_number: number;
  topics: string;
  map: string;
}

interface AssignmentRow {
  trace_id: string;
  span_id: string;
  field: 'request' | 'response';
  time_ms: string;
  model: string;
  release: string;
  topic_id: string;
  model_version: number;
  distance: number;
  novelty: number;
  novel: number;
}

type StoredTopicJson = Omit<StoredTopic, 'centroid'> & { centroid: number[] };

const ASSIGNMENT_COLUMNS = `trace_id, span_id, field, toString(toUnixTimestamp64Milli(time)) AS time_ms, model,
  release, topic_id, model_version, distance, novelty, novel`;

/** Span ids per lookup of call messages: the IN list stays a few tens of kilobytes. */
const SPAN_CHUNK = 1_000;

/** Topics in ClickHouse (migration 014); every statement is scoped by project with bound parameters. */
export class ClickHouseTopicStore implements TopicStore {
  private lastVersion = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async saveModel(model: StoredTopicModel, lineage: readonly TopicLineageEvent[]): Promise<void> {
    const topics: StoredTopicJson[] = model.topics.map((t) => ({ ...t, centroid: Array.from(t.centroid) }));
    const base = { project_id: model.projectId, version: model.version };
    await this.insert(
      'topics',
      model.topics.map((t) => ({
        ...base,
        topic_id: t.id,
        label: t.label,
        terms: t.terms.map((x) => x.term),
        radius: t.radius,
        size: t.size,
        centroid: Array.from(t.centroid),
      })),
    );
    await this.insert(
      'topic_lineage',
      lineage.map((e) => ({ ...base, kind: e.kind, from_ids: e.from, into_ids: e.into })),
    );
    // The model row last: a reader that sees the version sees its topics and lineage too.
    await this.insert('topic_models', [
      {
        ...base,
        fitted_at: utcText(model.fittedAtMs),
        window_from: utcText(model.windowFromMs),
        window_to: utcText(model.windowToMs),
        sample_size: model.sampleSize,
        dimensions: model.dimensions,
        novelty_quantile: model.noveltyQuantile,
        next_topic_number: model.nextTopicNumber,
        topics: JSON.stringify(topics),
        map: JSON.stringify(model.map),
      },
    ]);
  }

  async latestModel(projectId: string): Promise<StoredTopicModel | null> {
    const [row] = await this.rows<ModelRow>(
      `SELECT version, toString(toUnixTimestamp64Milli(fitted_at)) AS fitted_ms,
              toString(toUnixTimestamp64Milli(window_from)) AS from_ms,
              toString(toUnixTimestamp64Milli(window_to)) AS to_ms,
              sample_size, dimensions, novelty_quantile, next_topic_number, topics, map
       FROM ${this.database}.topic_models FINAL
       WHERE project_id = {projectId:String} ORDER BY version DESC LIMIT 1`,
      { projectId },
      'reading the topic model failed',
    );
    if (!row) return null;
    const topics = (JSON.parse(row.topics) as StoredTopicJson[]).map((t) => ({
      ...t,
      centroid: Float32Array.from(t.centroid),
    }));
    return {
      projectId,
      version: Number(row.version),
      fittedAtMs: Number(row.fitted_ms),
      windowFromMs: Number(row.from_ms),
      windowToMs: Number(row.to_ms),
      sampleSize: Number(row.sample_size),
      dimensions: Number(row.dimensions),
      noveltyQuantile: Number(row.novelty_quantile),
      nextTopicNumber: Number(row.next_topic_number),
      topics,
      map: JSON.parse(row.map) as StoredTopicModel['map'],
    };
  }

  async lineage(projectId: string, limit: number): Promise<(TopicLineageEvent & { version: number })[]> {
    const rows = await this.rows<{ version: number; kind: string; from_ids: string[]; into_ids: string[] }>(
      `SELECT version, kind, from_ids, into_ids FROM ${this.database}.topic_lineage
       WHERE project_id = {projectId:String}
       ORDER BY version DESC, kind, into_ids, from_ids LIMIT {limit:UInt32}`,
      { projectId, limit },
      'reading topic lineage failed',
    );
    return rows.map((r) => ({
      version: Number(r.version),
      kind: r.kind as TopicLineageKind,
      from: r.from_ids,
      into: r.into_ids,
    }));
  }

  async assign(assignments: readonly TopicAssignment[]): Promise<void> {
    if (assignments.length === 0) return;
    // The version ReplacingMergeTree keeps: increasing, so a later assignment wins even within one ms.
    const updated = Math.max(Date.now() * 1000, this.lastVersion + 1);
    this.lastVersion = updated;
    await this.insert(
      'topic_assignments',
      assignments.map((a) => ({
        project_id: a.projectId,
        span_id: a.spanId,
        field: a.field,
        trace_id: a.traceId,
        time: utcText(a.timeMs),
        model: a.model,
        release: a.release,
        topic_id: a.topicId,
        model_version: a.modelVersion,
        distance: a.distance,
        novelty: Number.isFinite(a.novelty) ? a.novelty : 1e6,
        novel: a.novel ? 1 : 0,
        updated,
      })),
    );
  }

  async topicsOfTraces(projectId: string, traceIds: readonly string[]): Promise<Map<string, string>> {
    const topics = new Map<string, string>();
    // Chunks keep the ids (sent in the request's URL) small; judged traces (the caller) are few next to the calls.
    for (let i = 0; i < traceIds.length; i += 200) {
      const rows = await this.rows<{ trace_id: string; topic_id: string }>(
        `SELECT trace_id, argMin(topic_id, time) AS topic_id
         FROM ${this.database}.topic_assignments FINAL
         WHERE project_id = {projectId:String} AND field = 'request' AND novel = 0
           AND trace_id IN {ids:Array(String)}
         GROUP BY trace_id`,
        { projectId, ids: traceIds.slice(i, i + 200) },
        'topics of traces query failed',
      );
      for (const row of rows) topics.set(row.trace_id, row.topic_id);
    }
    return topics;
  }

  async activity(
    projectId: string,
    window: TopicWindow,
    bucketSeconds: number,
  ): Promise<TopicActivityReport> {
    const bucketMs = Math.max(1, Math.round(bucketSeconds)) * 1000;
    const params = { ...this.windowParams(projectId, window), bucket: bucketMs / 1000 };
    // Each call weighs its minute's seen / embedded (embedding_sampling, keyed by call time): 1 without sampling.
    const counts = await this.rows<{
      topic_id: string;
      bucket: string;
      calls: string;
      novel: string;
      weighted: number;
    }>(
      `SELECT topic_id, toString(toUnixTimestamp(toStartOfInterval(time, toIntervalSecond({bucket:UInt32})))) AS bucket,
              count() AS calls, countIf(novel = 1) AS novel,
              sum(if(s.embedded > 0, greatest(1, s.seen / s.embedded), 1)) AS weighted
       FROM (
         SELECT topic_id, time, novel, toUnixTimestamp(toStartOfMinute(time)) AS minute
         FROM ${this.database}.topic_assignments FINAL
         WHERE ${WINDOW_WHERE} AND field = 'request'
       ) AS a
       LEFT JOIN (
         SELECT toUnixTimestamp(window_start) AS minute, sum(seen) AS seen, sum(embedded) AS embedded
         FROM ${this.database}.embedding_sampling
         WHERE project_id = {projectId:String}
           AND window_start >= toDateTime(intDiv({fromMs:Int64}, 1000) - 60)
           AND window_start < toDateTime(intDiv({toMs:Int64}, 1000) + 60)
         GROUP BY window_start
       ) AS s USING minute
       GROUP BY topic_id, bucket`,
      params,
      'topic activity query failed',
    );
    const models = await this.rows<{ topic_id: string; model: string; calls: string }>(
      `SELECT topic_id, model, count() AS calls
       FROM ${this.database}.topic_assignments FINAL
       WHERE ${WINDOW_WHERE} AND field = 'request'
       GROUP BY topic_id, model ORDER BY calls DESC, model`,
      params,
      'topic models query failed',
    );
    const first = Math.floor(window.fromMs / bucketMs) * bucketMs;
    const bucketStartsMs: number[] = [];
    for (let t = first; t < window.toMs; t += bucketMs) bucketStartsMs.push(t);
    const totals = bucketStartsMs.map(() => 0);
    const byTopic = new Map<string, TopicActivityReport['topics'][number]>();
    const topicOf = (id: string) => {
      let topic = byTopic.get(id);
      if (!topic) {
        topic = {
          topicId: id,
          calls: 0,
          estimatedCalls: 0,
          novelCalls: 0,
          buckets: bucketStartsMs.map(() => 0),
          models: [],
        };
        byTopic.set(id, topic);
      }
      return topic;
    };
    for (const row of counts) {
      const topic = topicOf(row.topic_id);
      const i = Math.floor((Number(row.bucket) * 1000 - first) / bucketMs);
      topic.calls += Number(row.calls);
      topic.estimatedCalls += Number(row.weighted);
      topic.novelCalls += Number(row.novel);
      if (i >= 0 && i < totals.length) {
        topic.buckets[i]! += Number(row.weighted);
        totals[i]! += Number(row.weighted);
      }
    }
    for (const row of models)
      topicOf(row.topic_id).models.push({ model: row.model, calls: Number(row.calls) });
    const topics = [...byTopic.values()].sort(
      (a, b) => b.calls - a.calls || (a.topicId < b.topicId ? -1 : 1),
    );
    return { bucketStartsMs, totals, topics };
  }

  async assignments(
    projectId: string,
    window: TopicWindow,
    filter: { topicId?: string; novel?: boolean; limit: number },
  ): Promise<TopicAssignment[]> {
    const params: Record<string, unknown> = { ...this.windowParams(projectId, window), limit: filter.limit };
    const where = [WINDOW_WHERE, `field = 'request'`];
    if (filter.topicId !== undefined) {
      params.topicId = filter.topicId;
      where.push('topic_id = {topicId:String}');
    }
    if (filter.novel !== undefined) {
      params.novel = filter.novel ? 1 : 0;
      where.push('novel = {novel:UInt8}');
    }
    const rows = await this.rows<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM ${this.database}.topic_assignments FINAL
       WHERE ${where.join(' AND ')} ORDER BY ${filter.novel ? 'novelty DESC, ' : ''}time DESC, span_id
       LIMIT {limit:UInt32}`,
      params,
      'topic assignments query failed',
    );
    return rows.map((r) => ({
      projectId,
      traceId: r.trace_id,
      spanId: r.span_id,
      field: r.field,
      timeMs: Number(r.time_ms),
      model: r.model,
      release: r.release,
      topicId: r.topic_id,
      modelVersion: Number(r.model_version),
      distance: Number(r.distance),
      novelty: Number(r.novelty),
      novel: Number(r.novel) === 1,
    }));
  }

  async breakdown(
    projectId: string,
    topicId: string,
    window: TopicWindow,
  ): Promise<{ models: { key: string; calls: number }[]; releases: { key: string; calls: number }[] }> {
    const params = { ...this.windowParams(projectId, window), topicId };
    const group = async (column: 'model' | 'release') =>
      (
        await this.rows<{ key: string; calls: string }>(
          `SELECT ${column} AS key, count() AS calls FROM ${this.database}.topic_assignments FINAL
           WHERE ${WINDOW_WHERE} AND field = 'request' AND topic_id = {topicId:String}
           GROUP BY key ORDER BY calls DESC, key LIMIT 50`,
          params,
          `topic ${column} breakdown failed`,
        )
      ).map((r) => ({ key: r.key, calls: Number(r.calls) }));
    return { models: await group('model'), releases: await group('release') };
  }

  async callMessages(
    projectId: string,
    spans: readonly { spanId: string; timeMs: number }[],
  ): Promise<Map<string, StoredCallMessages>> {
    const found = new Map<string, StoredCallMessages>();
    for (let i = 0; i < spans.length; i += SPAN_CHUNK) {
      const chunk = spans.slice(i, i + SPAN_CHUNK);
      const times = chunk.map((s) => s.timeMs);
      // The spans' sort key starts with (project, start_time): the time range keeps the read to their days.
      const rows = await this.rows<{
        span_id: string;
        input_messages: string;
        output_messages: string;
        system_instructions: string;
      }>(
        `SELECT span_id, any(input_messages) AS input_messages, any(output_messages) AS output_messages,
                any(system_instructions) AS system_instructions
         FROM ${this.database}.spans
         WHERE project_id = {projectId:String} AND span_id IN {ids:Array(String)}
           AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
           AND start_time <= fromUnixTimestamp64Milli({toMs:Int64})
         GROUP BY span_id`,
        {
          projectId,
          ids: chunk.map((s) => s.spanId),
          fromMs: Math.floor(Math.min(...times)) - 60_000,
          toMs: Math.ceil(Math.max(...times)) + 60_000,
        },
        'reading call messages failed',
      );
      for (const r of rows) {
        found.set(r.span_id, {
          inputMessages: parseArray(r.input_messages),
          outputMessages: parseArray(r.output_messages),
          systemInstructions: parseArray(r.system_instructions),
        });
      }
    }
    return found;
  }

  async claimFit(projectId: string, claimant: string, leaseMs: number): Promise<boolean> {
    await this.insert('topic_leases', [{ project_id: projectId, claimant, lease_ms: Math.round(leaseMs) }]);
    // Leases are at most a day long (the job's are minutes): older rows cannot be live.
    const rows = await this.rows<{ claimant: string; micros: string; lease_ms: number }>(
      `SELECT claimant, toString(toUnixTimestamp64Micro(leased_at)) AS micros, lease_ms
       FROM ${this.database}.topic_leases
       WHERE project_id = {projectId:String} AND leased_at > now64(6) - INTERVAL 1 DAY`,
      { projectId },
      'reading topic leases failed',
    );
    const holder = currentHolder(
      rows.map((r) => ({
        claimant: r.claimant,
        leasedAtMicros: Number(r.micros),
        leaseMs: Number(r.lease_ms),
      })),
    );
    return holder === claimant;
  }

  private windowParams(projectId: string, window: TopicWindow): Record<string, unknown> {
    return { projectId, fromMs: Math.floor(window.fromMs), toMs: Math.ceil(window.toMs) };
  }

  private insert(table: string, values: Record<string, unknown>[]): Promise<void> {
    return insertJsonRows(
      this.client,
      this.database,
      table,
      values,
      `storing ${values.length} rows in ${table} failed`,
    );
  }

  private rows<T>(query: string, params: Record<string, unknown>, what: string): Promise<T[]> {
    return queryJsonRows<T>(this.client, query, params, what);
  }
}

const WINDOW_WHERE = `project_id = {projectId:String}
  AND time >= fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC') AND time < fromUnixTimestamp64Milli({toMs:Int64}, 'UTC')`;

function parseArray<T>(text: string): T[] {
  if (!text) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

/** A DateTime64(3, 'UTC') value as JSONEachRow takes it. */
function utcText(ms: number): string {
  return new Date(Math.round(ms)).toISOString().replace('T', ' ').replace('Z', '');
}
