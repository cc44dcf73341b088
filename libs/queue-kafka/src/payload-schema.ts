import type { AttributeValue, SpanRecord } from '@driftwatch/contracts';
import { z } from 'zod';

/**
 * The Kafka message value: one SpanRecord as UTF-8 JSON. Messages outlive deployments (a topic may hold days of
 * spans), so this schema only ever grows: a field added later MUST be `.optional()` (or have a `.default()`), so
 * that messages written by an older producer still parse. Unknown fields (from a newer producer) are stripped.
 */
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
const attributes = z.record(z.string(), attributeValue);

const messagePart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), content: z.string() }),
  z.object({ type: z.literal('reasoning'), content: z.string() }),
  z.object({
    type: z.literal('tool_call'),
    id: z.string().optional(),
    name: z.string(),
    arguments: z.unknown().optional(),
  }),
  z.object({ type: z.literal('tool_call_response'), id: z.string().optional(), response: z.unknown() }),
  z.object({
    type: z.literal('blob'),
    modality: z.string(),
    mimeType: z.string().optional(),
    content: z.string(),
  }),
  z.object({
    type: z.literal('uri'),
    modality: z.string(),
    mimeType: z.string().optional(),
    uri: z.string(),
  }),
  z.object({
    type: z.literal('file'),
    modality: z.string(),
    mimeType: z.string().optional(),
    fileId: z.string(),
  }),
  z.object({ type: z.literal('generic'), value: z.unknown() }),
]);

const message = z.object({
  role: z.string(),
  parts: z.array(messagePart),
  name: z.string().optional(),
  finishReason: z.string().optional(),
});

const nullableCount = z.number().nullable();

const llmCall = z.object({
  operation: z.string(),
  provider: z.string(),
  requestModel: z.string(),
  responseModel: z.string(),
  inputMessages: z.array(message),
  outputMessages: z.array(message),
  systemInstructions: z.array(messagePart),
  toolCalls: z.array(
    z.object({ id: z.string().optional(), name: z.string(), arguments: z.string().optional() }),
  ),
  finishReasons: z.array(z.string()),
  usage: z.object({
    inputTokens: nullableCount,
    outputTokens: nullableCount,
    cacheReadInputTokens: nullableCount,
    cacheWriteInputTokens: nullableCount,
    reasoningTokens: nullableCount,
    totalTokens: nullableCount,
    // added after the first release: messages of older producers have no estimate
    estimated: z.boolean().default(false),
  }),
  usageCounted: z.boolean(),
  costUsd: z.number().nullable(),
  convention: z.enum(['gen_ai', 'openinference', 'openllmetry', 'vercel_ai']),
});

const nanos = z.string().regex(/^\d+$/, 'nanoseconds as decimal digits');
const hexId = z.string().regex(/^[0-9a-f]*$/, 'lowercase hex');

export const spanRecordSchema = z.object({
  projectId: z.string().min(1),
  traceId: hexId.min(1),
  spanId: hexId.min(1),
  parentSpanId: hexId,
  name: z.string(),
  kind: z.enum(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer']),
  startTimeUnixNano: nanos,
  endTimeUnixNano: nanos,
  durationNs: z.number(),
  status: z.enum(['unset', 'ok', 'error']),
  statusMessage: z.string(),
  serviceName: z.string(),
  scopeName: z.string(),
  scopeVersion: z.string(),
  attributes,
  // added after the first release (client-sent embedding vectors)
  clientVectorAttributes: attributes.optional(),
  resource: attributes,
  events: z.array(z.object({ name: z.string(), timeUnixNano: nanos, attributes })),
  llm: llmCall.nullable(),
  userId: z.string(),
  sessionId: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  promptName: z.string(),
  promptVersion: z.string(),
  release: z.string(),
  environment: z.string(),
}) satisfies z.ZodType<SpanRecord>;

export function encodeSpan(record: SpanRecord): Buffer {
  return Buffer.from(JSON.stringify(record));
}

export type DecodedSpan = { ok: true; record: SpanRecord } | { ok: false; reason: string };

/** Never throws: an undecodable message is a value with its reason, so it can be dead-lettered. */
export function decodeSpan(value: Buffer | undefined): DecodedSpan {
  if (!value || value.length === 0) return { ok: false, reason: 'empty message value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const parsed = spanRecordSchema.safeParse(json);
  if (parsed.success) return { ok: true, record: parsed.data as SpanRecord };
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, reason: `not a SpanRecord: ${issues}` };
}
