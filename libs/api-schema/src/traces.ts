import type {
  AttributeValue,
  LlmView,
  Message,
  MessagePart,
  SpanView,
  TraceCount,
  TraceDetail,
  TraceListPage,
  TraceSummary,
  Usage,
} from '@driftwatch/contracts';
import { z } from 'zod';
import { instant, withTimeRange } from './time.js';
import { topicFilterSchema } from './topics.js';

/** About 31 years: far past any trace, and in nanoseconds well inside Int64. */
export const MAX_DURATION_MS = 1e12;

const attributeValue: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(attributeValue),
    z.record(z.string(), attributeValue),
  ]),
);
export const attributesSchema = z.record(z.string(), attributeValue);

export const traceListQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    model: z.string().min(1).max(200).optional(),
    provider: z.string().min(1).max(200).optional(),
    userId: z.string().min(1).max(500).optional(),
    sessionId: z.string().min(1).max(500).optional(),
    status: z.enum(['ok', 'error']).optional(),
    search: z.string().min(1).max(500).optional(),
    minDurationMs: z.coerce.number().min(0).max(MAX_DURATION_MS).optional(),
    /** any: with feedback; none: without; negative: judged negative; positive: judged, none negative. */
    feedback: z.enum(['any', 'none', 'negative', 'positive']).optional(),
    topicId: topicFilterSchema.optional(),
    sort: z.enum(['startTime', 'durationMs', 'costUsd', 'totalTokens']).default('startTime'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict()
  .transform(withTimeRange);

export const traceSummarySchema = z.object({
  traceId: z.string(),
  name: z.string(),
  startTime: z.string(),
  durationMs: z.number(),
  spanCount: z.number().int(),
  llmCallCount: z.number().int(),
  models: z.array(z.string()),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  usageEstimated: z.boolean(),
  costUsd: z.number().nullable(),
  status: z.enum(['ok', 'error']),
  userId: z.string().nullable(),
  sessionId: z.string().nullable(),
  feedbackCount: z.number().int(),
  negativeFeedback: z.boolean().nullable(),
  topicId: z.string().nullable(),
}) satisfies z.ZodType<TraceSummary>;

export const traceListPageSchema = z.object({
  items: z.array(traceSummarySchema),
  nextCursor: z.string().nullable(),
}) satisfies z.ZodType<TraceListPage>;

/** GET /api/traces/count: the traces the list's filters match, up to a cap ("more than" past it). */
export const traceCountSchema = z.object({
  total: z.number().int(),
  totalCapped: z.boolean(),
}) satisfies z.ZodType<TraceCount>;

const media = { modality: z.string(), mimeType: z.string().optional() };
const messagePartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), content: z.string() }),
  z.object({ type: z.literal('reasoning'), content: z.string() }),
  z.object({
    type: z.literal('tool_call'),
    id: z.string().optional(),
    name: z.string(),
    arguments: z.unknown().optional(),
  }),
  z.object({ type: z.literal('tool_call_response'), id: z.string().optional(), response: z.unknown() }),
  z.object({ type: z.literal('blob'), ...media, content: z.string() }),
  z.object({ type: z.literal('uri'), ...media, uri: z.string() }),
  z.object({ type: z.literal('file'), ...media, fileId: z.string() }),
  z.object({ type: z.literal('generic'), value: z.unknown() }),
]) satisfies z.ZodType<MessagePart>;
const messageSchema = z.object({
  role: z.string(),
  parts: z.array(messagePartSchema),
  name: z.string().optional(),
  finishReason: z.string().optional(),
}) satisfies z.ZodType<Message>;
const nullableCount = z.number().int().nullable();

export const usageSchema = z.object({
  inputTokens: nullableCount,
  outputTokens: nullableCount,
  cacheReadInputTokens: nullableCount,
  cacheWriteInputTokens: nullableCount,
  reasoningTokens: nullableCount,
  totalTokens: nullableCount,
  /** No usage was reported: input and output are estimated from the messages. */
  estimated: z.boolean(),
}) satisfies z.ZodType<Usage>;

export const llmViewSchema = z.object({
  operation: z.string(),
  provider: z.string(),
  requestModel: z.string(),
  responseModel: z.string(),
  inputMessages: z.array(messageSchema),
  outputMessages: z.array(messageSchema),
  systemInstructions: z.array(messagePartSchema),
  toolCalls: z.array(
    z.object({ id: z.string().optional(), name: z.string(), arguments: z.string().optional() }),
  ),
  finishReasons: z.array(z.string()),
  usage: usageSchema,
  costUsd: z.number().nullable(),
  /** Part of the trace totals (a wrapper repeating an inner call's usage is not). */
  usageCounted: z.boolean(),
}) satisfies z.ZodType<LlmView>;

export const spanViewSchema = z.object({
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']),
  startTime: z.string(),
  durationMs: z.number(),
  status: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.string(),
  attributes: attributesSchema,
  resource: attributesSchema,
  llm: llmViewSchema.nullable(),
}) satisfies z.ZodType<SpanView>;

export const traceDetailSchema = z.object({
  traceId: z.string(),
  spans: z.array(spanViewSchema),
}) satisfies z.ZodType<TraceDetail>;

export const traceIdParamSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hexadecimal characters')
  .transform((s) => s.toLowerCase());

/** GET /api/traces/{traceId}/similar: the calls nearest to one LLM call's request (or response). */
export const similarCallsQuerySchema = z.object({
  spanId: z
    .string()
    .regex(/^[0-9a-fA-F]{16}$/, 'a span id is 16 hexadecimal characters')
    .transform((s) => s.toLowerCase()),
  field: z.enum(['request', 'response']).default('request'),
  k: z.coerce.number().int().min(1).max(100).default(10),
});

export const similarCallsSchema = z.object({
  spanId: z.string(),
  field: z.enum(['request', 'response']),
  embeddingModel: z.string(),
  matches: z.array(
    z.object({
      traceId: z.string(),
      spanId: z.string(),
      field: z.enum(['request', 'response']),
      distance: z.number(),
      time: z.string(),
      model: z.string(),
      release: z.string(),
    }),
  ),
});

export type SimilarCalls = z.infer<typeof similarCallsSchema>;
export type TraceListQueryInput = z.input<typeof traceListQuerySchema>;
