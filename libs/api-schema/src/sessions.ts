import type { EndUserSummary, GroupPage, SessionSummary, SessionTurn } from '@driftwatch/contracts';
import { z } from 'zod';
import { instant, withTimeRange } from './time.js';

const DAY_MS = 86_400_000;

/** Sessions and users default to the last 7 days: a conversation outlives the traces list's 24 hours. */
function lastWeek<T extends { from?: number | undefined; to?: number | undefined }>(
  value: T,
  ctx: z.RefinementCtx,
) {
  const to = value.to ?? Date.now();
  return withTimeRange({ ...value, to, from: value.from ?? Math.max(0, to - 7 * DAY_MS) }, ctx);
}

const idText = z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const paging = {
  limit: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50),
  offset: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(100_000, 'must be at most 100000')
    .default(0),
};

/** GET /api/sessions and GET /api/end-users. */
export const groupListQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    search: idText.optional(),
    userId: idText.optional(),
    hasErrors: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .transform((v) => v === 'true')
      .optional(),
    sort: z
      .enum(['lastSeen', 'firstSeen', 'traceCount', 'totalTokens', 'costUsd', 'durationMs', 'errorCount'], {
        message:
          'must be one of lastSeen, firstSeen, traceCount, totalTokens, costUsd, durationMs, errorCount',
      })
      .default('lastSeen'),
    order: z.enum(['asc', 'desc'], { message: 'must be asc or desc' }).default('desc'),
    ...paging,
  })
  .strict()
  .transform(lastWeek);

/** GET /api/sessions/{id} and /api/end-users/{id}: the range of the totals (default last 30 days). */
export const groupRangeQuerySchema = z
  .object({ from: instant.optional(), to: instant.optional(), ...paging })
  .strict()
  .transform((value, ctx) => {
    const to = value.to ?? Date.now();
    return withTimeRange({ ...value, to, from: value.from ?? Math.max(0, to - 30 * DAY_MS) }, ctx);
  });

export const groupIdParamSchema = idText;

const totals = {
  firstSeen: z.string(),
  lastSeen: z.string(),
  traceCount: z.number().int(),
  errorCount: z.number().int(),
  llmCallCount: z.number().int(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  usageEstimated: z.boolean(),
  costUsd: z.number().nullable(),
  durationMs: z.number(),
};

export const sessionSummarySchema = z.object({
  sessionId: z.string(),
  userIds: z.array(z.string()),
  ...totals,
}) satisfies z.ZodType<SessionSummary>;

export const endUserSummarySchema = z.object({
  userId: z.string(),
  sessionCount: z.number().int(),
  ...totals,
}) satisfies z.ZodType<EndUserSummary>;

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    /** true: there are more than `total` (the count stops there). */
    totalCapped: z.boolean(),
  });

export const sessionListSchema = pageOf(sessionSummarySchema) satisfies z.ZodType<GroupPage<SessionSummary>>;
export const endUserListSchema = pageOf(endUserSummarySchema) satisfies z.ZodType<GroupPage<EndUserSummary>>;

export const sessionTurnSchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startTime: z.string(),
  durationMs: z.number(),
  status: z.enum(['ok', 'error']),
  models: z.array(z.string()),
  userId: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  costUsd: z.number().nullable(),
  userText: z.string().nullable(),
  assistantText: z.string().nullable(),
}) satisfies z.ZodType<SessionTurn>;

/** One session: its totals and a page of its turns, oldest first. */
export const sessionDetailSchema = z.object({
  session: sessionSummarySchema,
  turns: z.array(sessionTurnSchema),
  turnTotal: z.number().int(),
  offset: z.number().int(),
});

/** One end user: totals and a page of their sessions (most recent first). */
export const endUserDetailSchema = z.object({
  user: endUserSummarySchema,
  sessions: sessionListSchema,
});

export type SessionDetail = z.infer<typeof sessionDetailSchema>;
export type EndUserDetail = z.infer<typeof endUserDetailSchema>;
