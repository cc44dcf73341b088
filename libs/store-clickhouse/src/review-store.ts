import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  FeedbackValue,
  Judgement,
  JudgementInput,
  QueueProgress,
  ReviewItem,
  ReviewQueue,
  ReviewStore,
  Rubric,
} from '@driftwatch/contracts';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';
import { insertJsonRows, queryJsonRows } from './json-rows.js';

/** A claim not judged within this time is free again (a reviewer who walked away does not hold an item forever). */
export const CLAIM_EXPIRY_MS = 30 * 60_000;

const EMPTY_RUBRIC: Rubric = { criteria: [], labels: [] };

/** 32 hex characters: the same trace (or span) added to a queue twice is one item. */
export function reviewItemIdOf(queueId: string, traceId: string, spanId = ''): string {
  return createHash('sha256').update(`${queueId}\n${traceId}\n${spanId}`).digest('hex').slice(0, 32);
}

function sortedJson(scores: Record<string, FeedbackValue>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(scores).sort(([a], [b]) => a.localeCompare(b))));
}

interface ItemRow {
  item_id: string;
  trace_id: string;
  span_id: string;
  added_at: string;
  added_by: string;
  judged: string;
  holders: string[];
}

interface JudgementRow {
  queue_id: string;
  item_id: string;
  reviewer_id: string;
  scores: string;
  label: string;
  corrected_answer: string;
  comment: string;
  created_at: string;
  updated_at: string;
}

function toJudgement(r: JudgementRow): Judgement {
  return {
    queueId: r.queue_id,
    itemId: r.item_id,
    reviewerId: r.reviewer_id,
    scores: JSON.parse(r.scores) as Record<string, FeedbackValue>,
    label: r.label,
    correctedAnswer: r.corrected_answer,
    comment: r.comment,
    createdAt: fromClickHouseTime(r.created_at),
    updatedAt: fromClickHouseTime(r.updated_at),
  };
}

/**
 * Review queues in ClickHouse. Claims of one queue are serialised in this process (a per-queue chain), so two
 * reviewers asking for the next item at once get different items; across API processes a race can give an item
 * to one reviewer too many, which costs a judgement, never loses one.
 */
export class ClickHouseReviewStore implements ReviewStore {
  private readonly claimChains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  private rows<T>(query: string, params: Record<string, unknown>, what: string): Promise<T[]> {
    return queryJsonRows<T>(this.client, query, params, what);
  }

  private insert(table: string, values: Record<string, unknown>[], what: string): Promise<void> {
    return insertJsonRows(this.client, this.database, table, values, what);
  }

  async getRubric(projectId: string): Promise<Rubric> {
    const [row] = await this.rows<{ rubric: string }>(
      `SELECT rubric FROM ${this.database}.review_rubrics FINAL WHERE project_id = {projectId:String}`,
      { projectId },
      'rubric query failed',
    );
    return row ? (JSON.parse(row.rubric) as Rubric) : EMPTY_RUBRIC;
  }

  async saveRubric(projectId: string, rubric: Rubric): Promise<void> {
    await this.insert(
      'review_rubrics',
      [{ project_id: projectId, rubric: JSON.stringify(rubric), updated_at: toClickHouseTime(Date.now()) }],
      'rubric insert failed',
    );
  }

  async createQueue(queue: ReviewQueue): Promise<void> {
    const at = toClickHouseTime(Date.parse(queue.createdAt));
    await this.insert(
      'review_queues',
      [
        {
          project_id: queue.projectId,
          queue_id: queue.queueId,
          definition: JSON.stringify(queue),
          created_at: at,
          updated_at: at,
        },
      ],
      'review queue insert failed',
    );
  }

  async listQueues(projectId: string): Promise<ReviewQueue[]> {
    const rows = await this.rows<{ definition: string }>(
      `SELECT definition FROM ${this.database}.review_queues FINAL
       WHERE project_id = {projectId:String} ORDER BY created_at, queue_id`,
      { projectId },
      'review queues query failed',
    );
    return rows.map((r) => JSON.parse(r.definition) as ReviewQueue);
  }

  async getQueue(projectId: string, queueId: string): Promise<ReviewQueue | null> {
    const [row] = await this.rows<{ definition: string }>(
      `SELECT definition FROM ${this.database}.review_queues FINAL
       WHERE project_id = {projectId:String} AND queue_id = {queueId:String}`,
      { projectId, queueId },
      'review queue query failed',
    );
    return row ? (JSON.parse(row.definition) as ReviewQueue) : null;
  }

  async addItems(
    queue: ReviewQueue,
    targets: ReadonlyArray<{ traceId: string; spanId?: string }>,
    addedBy: string,
  ): Promise<{ added: number; itemIds: string[] }> {
    const params = { projectId: queue.projectId, queueId: queue.queueId };
    const keyed = targets.map((t) => ({ ...t, itemId: reviewItemIdOf(queue.queueId, t.traceId, t.spanId) }));
    const itemIds = keyed.map((k) => k.itemId);
    // Serialised with claims: the round-robin turn is the count of items already there.
    return this.inQueue(queue.queueId, async () => {
      const [existing] = await this.rows<{ ids: string[]; n: string }>(
        `SELECT groupArrayIf(item_id, item_id IN {itemIds:Array(String)}) AS ids, count() AS n
         FROM ${this.database}.review_items FINAL
         WHERE project_id = {projectId:String} AND queue_id = {queueId:String}`,
        { ...params, itemIds },
        'review items lookup failed',
      );
      const seen = new Set(existing?.ids ?? []);
      const fresh = keyed.filter((k) => !seen.has(k.itemId) && (seen.add(k.itemId), true));
      const now = Date.now();
      await this.insert(
        'review_items',
        fresh.map((k) => ({
          project_id: queue.projectId,
          queue_id: queue.queueId,
          item_id: k.itemId,
          trace_id: k.traceId,
          span_id: k.spanId ?? '',
          added_at: toClickHouseTime(now),
          added_by: addedBy,
        })),
        'review items insert failed',
      );
      if (queue.assignment === 'round_robin' && queue.reviewers.length > 0) {
        const turn = Number(existing?.n ?? 0);
        const per = Math.min(queue.judgementsPerItem, queue.reviewers.length);
        const claims = fresh.flatMap((k, i) =>
          Array.from({ length: per }, (_, j) => ({
            project_id: queue.projectId,
            queue_id: queue.queueId,
            item_id: k.itemId,
            reviewer_id: queue.reviewers[(turn + i + j) % queue.reviewers.length],
            kind: 'assigned',
            released: 0,
            claimed_at: toClickHouseTime(now),
            version: now,
          })),
        );
        await this.insert('review_claims', claims, 'review assignments insert failed');
      }
      return { added: fresh.length, itemIds };
    });
  }

  /** Items of a queue with their judgement count and current holders (assigned, or claimed and not expired). */
  private itemsSql(where: string): string {
    const db = this.database;
    const scope = 'project_id = {projectId:String} AND queue_id = {queueId:String}';
    return `SELECT i.item_id AS item_id, i.trace_id AS trace_id, i.span_id AS span_id,
        toString(i.added_at) AS added_at, i.added_by AS added_by,
        j.judged AS judged, j.judges AS judges, c.holders AS holders
      FROM (SELECT * FROM ${db}.review_items FINAL WHERE ${scope}) AS i
      LEFT JOIN (
        SELECT item_id, count() AS judged, groupArray(reviewer_id) AS judges
        FROM ${db}.review_judgements FINAL WHERE ${scope} GROUP BY item_id
      ) AS j ON i.item_id = j.item_id
      LEFT JOIN (
        SELECT item_id, groupArray(reviewer_id) AS holders
        FROM ${db}.review_claims FINAL
        WHERE ${scope} AND released = 0
          AND (kind = 'assigned' OR claimed_at > fromUnixTimestamp64Milli({activeSinceMs:Int64}))
        GROUP BY item_id
      ) AS c ON i.item_id = c.item_id
      ${where}
      ORDER BY i.added_at, i.item_id`;
  }

  private toItem(queue: Pick<ReviewQueue, 'queueId' | 'judgementsPerItem'>, r: ItemRow): ReviewItem {
    return {
      itemId: r.item_id,
      queueId: queue.queueId,
      traceId: r.trace_id,
      spanId: r.span_id,
      addedAt: fromClickHouseTime(r.added_at),
      addedBy: r.added_by,
      holders: r.holders,
      judgements: Number(r.judged),
      done: Number(r.judged) >= queue.judgementsPerItem,
    };
  }

  async listItems(
    projectId: string,
    queueId: string,
    options: { status?: 'pending' | 'done'; limit: number; offset: number },
  ): Promise<ReviewItem[]> {
    const queue = await this.getQueue(projectId, queueId);
    if (!queue) return [];
    const where =
      options.status === 'done'
        ? 'WHERE judged >= {per:UInt32}'
        : options.status === 'pending'
          ? 'WHERE judged < {per:UInt32}'
          : '';
    const rows = await this.rows<ItemRow>(
      `${this.itemsSql(where)} LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      {
        projectId,
        queueId,
        per: queue.judgementsPerItem,
        activeSinceMs: Date.now() - CLAIM_EXPIRY_MS,
        limit: options.limit,
        offset: options.offset,
      },
      'review items query failed',
    );
    return rows.map((r) => this.toItem(queue, r));
  }

  async getItem(projectId: string, queueId: string, itemId: string): Promise<ReviewItem | null> {
    const queue = await this.getQueue(projectId, queueId);
    if (!queue) return null;
    const [row] = await this.rows<ItemRow>(
      this.itemsSql('WHERE i.item_id = {itemId:String}'),
      { projectId, queueId, itemId, activeSinceMs: Date.now() - CLAIM_EXPIRY_MS },
      'review item query failed',
    );
    return row ? this.toItem(queue, row) : null;
  }

  async next(queue: ReviewQueue, reviewerId: string, nowMs: number): Promise<ReviewItem | null> {
    return this.inQueue(queue.queueId, async () => {
      const params = {
        projectId: queue.projectId,
        queueId: queue.queueId,
        me: reviewerId,
        per: queue.judgementsPerItem,
        activeSinceMs: nowMs - CLAIM_EXPIRY_MS,
      };
      const [held] = await this.rows<ItemRow>(
        `${this.itemsSql('WHERE has(holders, {me:String}) AND NOT has(judges, {me:String})')} LIMIT 1`,
        params,
        'review next query failed',
      );
      if (held) return this.toItem(queue, held);
      if (queue.assignment !== 'claim') return null;
      // Free: not judged by me, and judgements plus others' live holds leave a judgement to give.
      const [free] = await this.rows<ItemRow>(
        `${this.itemsSql(`WHERE NOT has(judges, {me:String})
            AND judged + length(arrayFilter(h -> NOT has(judges, h), holders)) < {per:UInt32}`)} LIMIT 1`,
        params,
        'review next query failed',
      );
      if (!free) return null;
      await this.insert(
        'review_claims',
        [
          {
            project_id: queue.projectId,
            queue_id: queue.queueId,
            item_id: free.item_id,
            reviewer_id: reviewerId,
            kind: 'claimed',
            released: 0,
            claimed_at: toClickHouseTime(nowMs),
            version: nowMs,
          },
        ],
        'review claim insert failed',
      );
      return this.toItem(queue, { ...free, holders: [...free.holders, reviewerId] });
    });
  }

  async judge(
    queue: ReviewQueue,
    itemId: string,
    reviewerId: string,
    input: JudgementInput,
  ): Promise<{ judgement: Judgement; changed: boolean }> {
    const key = { projectId: queue.projectId, queueId: queue.queueId, itemId, reviewerId };
    const [existingRow] = await this.rows<JudgementRow>(
      `SELECT queue_id, item_id, reviewer_id, scores, label, corrected_answer, comment,
              toString(created_at) AS created_at, toString(updated_at) AS updated_at
       FROM ${this.database}.review_judgements FINAL
       WHERE project_id = {projectId:String} AND queue_id = {queueId:String}
         AND item_id = {itemId:String} AND reviewer_id = {reviewerId:String}`,
      key,
      'judgement lookup failed',
    );
    const existing = existingRow ? toJudgement(existingRow) : null;
    const scores = sortedJson(input.scores);
    if (
      existing &&
      sortedJson(existing.scores) === scores &&
      existing.label === input.label &&
      existing.correctedAnswer === input.correctedAnswer &&
      existing.comment === input.comment
    )
      return { judgement: existing, changed: false };
    const now = Date.now();
    const createdAt = existing ? Date.parse(existing.createdAt) : now;
    await this.insert(
      'review_judgements',
      [
        {
          project_id: queue.projectId,
          queue_id: queue.queueId,
          item_id: itemId,
          reviewer_id: reviewerId,
          scores,
          label: input.label,
          corrected_answer: input.correctedAnswer,
          comment: input.comment,
          created_at: toClickHouseTime(createdAt),
          updated_at: toClickHouseTime(now),
        },
      ],
      'judgement insert failed',
    );
    // The reviewer's hold on the item ends with their judgement.
    await this.insert(
      'review_claims',
      [
        {
          project_id: queue.projectId,
          queue_id: queue.queueId,
          item_id: itemId,
          reviewer_id: reviewerId,
          kind: 'claimed',
          released: 1,
          claimed_at: toClickHouseTime(now),
          version: now,
        },
      ],
      'review claim release failed',
    );
    return {
      judgement: {
        queueId: queue.queueId,
        itemId,
        reviewerId,
        ...input,
        scores: JSON.parse(scores) as Record<string, FeedbackValue>,
        createdAt: new Date(createdAt).toISOString(),
        updatedAt: new Date(now).toISOString(),
      },
      changed: true,
    };
  }

  async judgements(projectId: string, queueId: string, limit: number): Promise<Judgement[]> {
    const rows = await this.rows<JudgementRow>(
      `SELECT queue_id, item_id, reviewer_id, scores, label, corrected_answer, comment,
              toString(created_at) AS created_at, toString(updated_at) AS updated_at
       FROM ${this.database}.review_judgements FINAL
       WHERE project_id = {projectId:String} AND queue_id = {queueId:String}
       ORDER BY item_id, reviewer_id LIMIT {limit:UInt32}`,
      { projectId, queueId, limit },
      'judgements query failed',
    );
    return rows.map(toJudgement);
  }

  async progress(queue: ReviewQueue): Promise<QueueProgress> {
    const params = {
      projectId: queue.projectId,
      queueId: queue.queueId,
      per: queue.judgementsPerItem,
      activeSinceMs: Date.now() - CLAIM_EXPIRY_MS,
    };
    const [totals] = await this.rows<{ items: string; done: string; judgements: string }>(
      `SELECT count() AS items, countIf(judged >= {per:UInt32}) AS done, sum(judged) AS judgements
       FROM (${this.itemsSql('')})`,
      params,
      'review progress query failed',
    );
    const reviewers = await this.rows<{ reviewer_id: string; n: string }>(
      `SELECT reviewer_id, count() AS n FROM ${this.database}.review_judgements FINAL
       WHERE project_id = {projectId:String} AND queue_id = {queueId:String} GROUP BY reviewer_id`,
      params,
      'review progress query failed',
    );
    return {
      items: Number(totals?.items ?? 0),
      done: Number(totals?.done ?? 0),
      judgements: Number(totals?.judgements ?? 0),
      byReviewer: Object.fromEntries(reviewers.map((r) => [r.reviewer_id, Number(r.n)])),
    };
  }

  async sampleTraces(
    projectId: string,
    fromMs: number,
    toMs: number,
    rate: number,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.rows<{ trace_id: string }>(
      `SELECT DISTINCT trace_id FROM ${this.database}.spans
       WHERE project_id = {projectId:String}
         AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
         AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
         AND cityHash64(trace_id) % 1000000 < {threshold:UInt32}
       ORDER BY trace_id LIMIT {limit:UInt32}`,
      {
        projectId,
        fromMs: Math.floor(fromMs),
        toMs: Math.ceil(toMs),
        threshold: Math.round(rate * 1e6),
        limit,
      },
      'trace sample query failed',
    );
    return rows.map((r) => r.trace_id);
  }

  /** Runs `work` after the queue's earlier claims and additions in this process. */
  private inQueue<T>(queueId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.claimChains.get(queueId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.claimChains.set(queueId, settled);
    void settled.then(() => {
      if (this.claimChains.get(queueId) === settled) this.claimChains.delete(queueId);
    });
    return run;
  }
}
