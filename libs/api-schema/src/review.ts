import type { QueueRule, Rubric } from '@driftwatch/contracts';
import { z } from 'zod';
import { feedbackNameConfigSchema } from './feedback.js';
import { instant, withTimeRange } from './time.js';
import { topicIdParamSchema } from './topics.js';

const label = z.string().trim().min(1).max(256);

/** The project's rubric (PUT /api/projects/{id}/rubric): criteria typed like feedback names, and labels. */
export const rubricSchema = z
  .object({
    criteria: z.array(feedbackNameConfigSchema).max(50).default([]),
    labels: z.array(label).max(50).default([]),
  })
  .strict()
  .superRefine((rubric, ctx) => {
    const names = new Set<string>();
    rubric.criteria.forEach((c, i) => {
      if (names.has(c.name))
        ctx.addIssue({ code: 'custom', path: ['criteria', i, 'name'], message: `${c.name} is listed twice` });
      names.add(c.name);
    });
    if (new Set(rubric.labels).size !== rubric.labels.length)
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'a label is listed twice' });
  }) satisfies z.ZodType<Rubric, unknown>;

const hexId = (length: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${length}}$`), `${length} hex characters`)
    .transform((id) => id.toLowerCase());

/** A saved traces-list filter: the list's filters, without time range, sort or paging. */
const savedTraceFilterSchema = z
  .object({
    model: z.string().min(1).max(200).optional(),
    provider: z.string().min(1).max(200).optional(),
    userId: z.string().min(1).max(500).optional(),
    sessionId: z.string().min(1).max(500).optional(),
    status: z.enum(['ok', 'error']).optional(),
    search: z.string().min(1).max(500).optional(),
    minDurationMs: z.number().min(0).optional(),
    feedback: z.enum(['any', 'none', 'negative', 'positive']).optional(),
    /** Calls of one topic (a topic's traces become a queue). */
    topicId: topicIdParamSchema.optional(),
  })
  .strict();

const queueRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }).strict(),
  z.object({ kind: z.literal('negative_feedback') }).strict(),
  z.object({ kind: z.literal('sample'), rate: z.number().gt(0).max(1) }).strict(),
  z.object({ kind: z.literal('traces_filter'), filter: savedTraceFilterSchema }).strict(),
  z.object({ kind: z.literal('novel_calls') }).strict(),
]) satisfies z.ZodType<QueueRule, unknown>;

const queueTargetSchema = z.object({ traceId: hexId(32), spanId: hexId(16).optional() }).strict();

export const createQueueRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** Traces to start with (a problem's example traces become a queue in one request). */
    items: z.array(queueTargetSchema).max(500).default([]),
    description: z.string().max(2000).default(''),
    rule: queueRuleSchema.default({ kind: 'manual' }),
    assignment: z.enum(['claim', 'round_robin']).default('claim'),
    reviewers: z.array(z.string().min(1).max(200)).max(100).default([]),
    judgementsPerItem: z.number().int().min(1).max(5).default(1),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.assignment === 'round_robin' && q.reviewers.length < q.judgementsPerItem)
      ctx.addIssue({
        code: 'custom',
        path: ['reviewers'],
        message: `round robin needs at least ${q.judgementsPerItem} reviewers (judgementsPerItem)`,
      });
    if (new Set(q.reviewers).size !== q.reviewers.length)
      ctx.addIssue({ code: 'custom', path: ['reviewers'], message: 'a reviewer is listed twice' });
  });

/** Traces (or single spans) added by hand, e.g. selected on the traces list. */
export const addQueueItemsRequestSchema = z
  .object({
    items: z.array(queueTargetSchema).min(1).max(500),
  })
  .strict();

/** Runs the queue's rule over a time range (default the last 24 hours), adding at most `limit` traces. */
export const fillQueueRequestSchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    limit: z.number().int().min(1).max(5000).default(500),
  })
  .strict()
  .transform(withTimeRange);

export const queueItemsQuerySchema = z
  .object({
    status: z.enum(['pending', 'done']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const scoreValue = z.custom<number | boolean | string>(
  (v) =>
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v)) ||
    (typeof v === 'string' && v.length <= 256),
  'must be a finite number, a boolean, or a string of at most 256 characters',
);

/** A reviewer's judgement of one item (checked against the rubric by the server). */
export const judgementRequestSchema = z
  .object({
    scores: z.record(z.string().min(1).max(64), scoreValue).default({}),
    label: z.string().max(256).default(''),
    correctedAnswer: z.string().max(32768).default(''),
    comment: z.string().max(4000).default(''),
  })
  .strict();
