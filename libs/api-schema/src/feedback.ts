import type {
  FeedbackInput,
  FeedbackNameConfig,
  FeedbackSettings,
  FeedbackValue,
  FeedbackWriteResult,
  StoredFeedback,
} from '@driftwatch/contracts';
import { z } from 'zod';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from './time.js';

/** Items in one POST /api/feedback. */
export const FEEDBACK_MAX_ITEMS = 500;
/** Largest POST /api/feedback body (413 past it): a full batch of long corrections must be split. */
export const FEEDBACK_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Problems listed in one 400 answer (the rest are summarised), so a bad batch gets a bounded message. */
const MAX_REPORTED_ISSUES = 20;

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const nameSchema = z.string().regex(NAME, 'a feedback name is 1-64 characters of [A-Za-z0-9_.:-]');

/** Ids are stored lowercase, as the spans have them; all zeros is OTel's "no id". */
const hexId = (length: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${length}}$`), `a ${what} is ${length} hex characters`)
    .refine((id) => !/^0+$/.test(id), `a ${what} of zeros is not an id`)
    .transform((id) => id.toLowerCase());

const valueSchema = z.custom<FeedbackValue>(
  (v) =>
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v)) ||
    (typeof v === 'string' && v.length <= 256),
  'must be a finite number, a boolean, or a string of at most 256 characters',
);

export const feedbackItemSchema = z
  .object({
    traceId: hexId(32, 'trace id').optional(),
    spanId: hexId(16, 'span id').optional(),
    name: nameSchema,
    value: valueSchema,
    comment: z.string().max(4000).optional(),
    correction: z.string().max(32768).optional(),
    userId: z.string().max(256).optional(),
    metadata: z
      .record(z.string().max(256), z.string().max(4000))
      .refine((m) => Object.keys(m).length <= 32, 'at most 32 entries')
      .optional(),
    idempotencyKey: z.string().min(1).max(128).optional(),
    timeMs: z.number().finite().min(MIN_INSTANT_MS).max(MAX_INSTANT_MS).optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    if (item.traceId === undefined && item.spanId === undefined)
      ctx.addIssue({ code: 'custom', path: ['traceId'], message: 'send a traceId, a spanId or both' });
  }) satisfies z.ZodType<FeedbackInput>;

const batchSchema = z.object({ items: z.array(feedbackItemSchema).min(1).max(FEEDBACK_MAX_ITEMS) }).strict();

/** `items.3.value` as `items[3].value`: the field a client has to fix, as the wire contract names it. */
export function feedbackFieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

function issuesMessage(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((i) => `${feedbackFieldPath(i.path) || 'body'}: ${i.message}`);
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more problems` : '');
}

export type FeedbackParse = { ok: true; items: FeedbackInput[] } | { ok: false; message: string };

/** One item, or {"items": [...]} (1..500). A failure names every wrong field (`items[3].value: ...`). */
export function parseFeedbackBody(body: unknown): FeedbackParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, message: 'body: send one feedback item or {"items": [item, ...]} as a JSON object' };
  const batch = 'items' in body;
  const result = batch ? batchSchema.safeParse(body) : feedbackItemSchema.safeParse(body);
  if (!result.success) return { ok: false, message: issuesMessage(result.error.issues) };
  const items = batch ? (result.data as z.output<typeof batchSchema>).items : [result.data as FeedbackInput];
  return { ok: true, items };
}

/**
 * A value checked against its name's configuration (the project's feedback settings); null when acceptable,
 * otherwise what is wrong with it. A name not configured takes any value unless the project requires names.
 */
export function feedbackValueProblem(
  config: FeedbackNameConfig | undefined,
  value: FeedbackValue,
  requireConfigured: boolean,
): string | null {
  if (!config) return requireConfigured ? 'is not a feedback name configured for this project' : null;
  const shown = JSON.stringify(value);
  switch (config.type) {
    case 'boolean':
      return typeof value === 'boolean' || value === 0 || value === 1
        ? null
        : `${shown} is not a thumbs value for "${config.name}" (send true/false or 1/0)`;
    case 'numeric':
      if (typeof value !== 'number') return `${shown} is not a number; "${config.name}" is a numeric score`;
      if (
        (config.min !== undefined && value < config.min) ||
        (config.max !== undefined && value > config.max)
      )
        return `${value} is outside the range ${config.min ?? '-inf'}..${config.max ?? 'inf'} of "${config.name}"`;
      return null;
    case 'categorical':
      return typeof value === 'string' && config.labels.includes(value)
        ? null
        : `${shown} is not one of the labels of "${config.name}" (${config.labels.join(', ')})`;
  }
}

const originSchema = z
  .string()
  .refine(
    (o) => o === '*' || /^https?:\/\/[^/\s?#]+$/.test(o),
    'an origin is scheme://host[:port] without a path, or "*"',
  );

export const feedbackNameConfigSchema = z.discriminatedUnion('type', [
  z.object({ name: nameSchema, type: z.literal('boolean') }).strict(),
  z
    .object({
      name: nameSchema,
      type: z.literal('numeric'),
      min: z.number().finite().optional(),
      max: z.number().finite().optional(),
      negativeBelow: z.number().finite().optional(),
    })
    .strict(),
  z
    .object({
      name: nameSchema,
      type: z.literal('categorical'),
      labels: z.array(z.string().min(1).max(256)).min(1).max(100),
      negativeLabels: z.array(z.string().min(1).max(256)).max(100).default([]),
    })
    .strict(),
]);

/** A project's feedback settings, replaced as a whole (PUT /api/projects/{id}/feedback-settings). */
export const feedbackSettingsSchema = z
  .object({
    allowedOrigins: z.array(originSchema).max(100).default([]),
    names: z.array(feedbackNameConfigSchema).max(200).default([]),
    requireConfiguredNames: z.boolean().default(false),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    settings.names.forEach((config, i) => {
      if (seen.has(config.name))
        ctx.addIssue({
          code: 'custom',
          path: ['names', i, 'name'],
          message: `${config.name} is listed twice`,
        });
      seen.add(config.name);
      if (
        config.type === 'numeric' &&
        config.min !== undefined &&
        config.max !== undefined &&
        config.min > config.max
      )
        ctx.addIssue({ code: 'custom', path: ['names', i, 'min'], message: 'min is above max' });
      if (config.type === 'categorical')
        for (const label of config.negativeLabels)
          if (!config.labels.includes(label))
            ctx.addIssue({
              code: 'custom',
              path: ['names', i, 'negativeLabels'],
              message: `${label} is not one of the labels`,
            });
    });
  }) satisfies z.ZodType<FeedbackSettings, unknown>;

export const feedbackWriteResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  ids: z.array(z.string()),
}) satisfies z.ZodType<FeedbackWriteResult>;

export const storedFeedbackSchema = z.object({
  id: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  name: z.string(),
  value: z.union([z.number(), z.boolean(), z.string()]),
  comment: z.string(),
  correction: z.string(),
  userId: z.string(),
  metadata: z.record(z.string(), z.string()),
  idempotencyKey: z.string(),
  time: z.string(),
  receivedAt: z.string(),
  source: z.enum(['api_key', 'public_key', 'dashboard']),
  negative: z.boolean().nullable(),
}) satisfies z.ZodType<StoredFeedback>;

export const traceFeedbackListSchema = z.object({ items: z.array(storedFeedbackSchema) });
