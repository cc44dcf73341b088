import type { FeedbackNameConfig, FeedbackValue } from './feedback.js';
import type { TraceListQuery } from './read-model.js';

/**
 * Review queues: traces picked by a rule or by hand, judged by reviewers on the project's rubric. A judgement is
 * one per (item, reviewer): submitting it again replaces it, so a double submission is stored once.
 */

/** The project's rubric: criteria typed like feedback names (range, labels) and one label per judgement. */
export interface Rubric {
  criteria: FeedbackNameConfig[];
  /** The judgement's overall label (agreement between reviewers is computed on it); empty: no label. */
  labels: string[];
}

/** A saved traces-list filter (the list's query without time range, sort and paging). */
export type SavedTraceFilter = Omit<
  TraceListQuery,
  'fromMs' | 'toMs' | 'sort' | 'order' | 'limit' | 'cursor'
>;

/** How a queue is filled: by hand only, or also by a rule run over a time range (POST .../fill). */
export type QueueRule =
  | { kind: 'manual' }
  | { kind: 'negative_feedback' }
  | { kind: 'sample'; rate: number }
  | { kind: 'traces_filter'; filter: SavedTraceFilter }
  /** Calls the topic model flags as novel (new kinds of requests), the most unusual first. */
  | { kind: 'novel_calls' };

export interface ReviewQueue {
  queueId: string;
  projectId: string;
  name: string;
  description: string;
  rule: QueueRule;
  /** claim: reviewers take the next free item; round_robin: items are assigned to `reviewers` in turn when added. */
  assignment: 'claim' | 'round_robin';
  /** User ids (round robin assigns to them; empty for claim: any member). */
  reviewers: string[];
  /** Judgements wanted per item from different reviewers (2+ gives agreement). */
  judgementsPerItem: number;
  createdAt: string;
  createdBy: string;
}

export interface ReviewItem {
  itemId: string;
  queueId: string;
  traceId: string;
  /** '' for the whole trace. */
  spanId: string;
  addedAt: string;
  addedBy: string;
  /** Reviewers holding it now (assigned, or claimed and not expired, and not yet judged by them). */
  holders: string[];
  judgements: number;
  done: boolean;
}

export interface Judgement {
  queueId: string;
  itemId: string;
  reviewerId: string;
  scores: Record<string, FeedbackValue>;
  label: string;
  correctedAnswer: string;
  comment: string;
  createdAt: string;
  updatedAt: string;
}

export type JudgementInput = Pick<Judgement, 'scores' | 'label' | 'correctedAnswer' | 'comment'>;

export interface QueueProgress {
  items: number;
  done: number;
  judgements: number;
  byReviewer: Record<string, number>;
}

export interface ReviewStore {
  getRubric(projectId: string): Promise<Rubric>;
  saveRubric(projectId: string, rubric: Rubric): Promise<void>;
  createQueue(queue: ReviewQueue): Promise<void>;
  listQueues(projectId: string): Promise<ReviewQueue[]>;
  getQueue(projectId: string, queueId: string): Promise<ReviewQueue | null>;
  /** Adds traces (or spans) not yet in the queue; the same trace twice is one item. Returns how many were new. */
  addItems(
    queue: ReviewQueue,
    targets: ReadonlyArray<{ traceId: string; spanId?: string }>,
    addedBy: string,
  ): Promise<{ added: number; itemIds: string[] }>;
  listItems(
    projectId: string,
    queueId: string,
    options: { status?: 'pending' | 'done'; limit: number; offset: number },
  ): Promise<ReviewItem[]>;
  getItem(projectId: string, queueId: string, itemId: string): Promise<ReviewItem | null>;
  /** The reviewer's held item, else (claim queues) a free item claimed for them now; null when none is left. */
  next(queue: ReviewQueue, reviewerId: string, nowMs: number): Promise<ReviewItem | null>;
  /** Stores or replaces the reviewer's judgement; `changed` is false when an identical one was stored already. */
  judge(
    queue: ReviewQueue,
    itemId: string,
    reviewerId: string,
    input: JudgementInput,
  ): Promise<{ judgement: Judgement; changed: boolean }>;
  judgements(projectId: string, queueId: string, limit: number): Promise<Judgement[]>;
  progress(queue: ReviewQueue): Promise<QueueProgress>;
  /** Trace ids of a random sample (by hash of the trace id) of the range's traces. */
  sampleTraces(
    projectId: string,
    fromMs: number,
    toMs: number,
    rate: number,
    limit: number,
  ): Promise<string[]>;
}
