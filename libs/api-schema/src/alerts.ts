import { z } from 'zod';
import { DETECTION_DIMENSIONS, DETECTOR_KINDS } from './detection.js';

export const alertDestinationKindSchema = z.enum(['slack', 'webhook']);

export const createAlertDestinationRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: alertDestinationKindSchema,
    /** Slack: the incoming-webhook URL; webhook: the receiver. Checked against the address guard. */
    url: z
      .string()
      .max(2048)
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'only http and https URLs are allowed'),
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateAlertDestinationRequest = z.infer<typeof createAlertDestinationRequestSchema>;

export const updateAlertDestinationRequestSchema = z.object({ enabled: z.boolean() }).strict();

/** A destination as the API shows it: never the URL or the secret, only a hint of the URL. */
export const alertDestinationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: alertDestinationKindSchema,
  /** Scheme and host, e.g. "https://hooks.slack.com/…". */
  urlHint: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
});
export type AlertDestinationView = z.infer<typeof alertDestinationSchema>;

export const alertDestinationListSchema = z.object({ items: z.array(alertDestinationSchema) });

/** The only response that holds the signing secret (webhook kind): shown once, verify with it. */
export const createdAlertDestinationSchema = alertDestinationSchema.extend({
  signingSecret: z.string().optional(),
});
export type CreatedAlertDestination = z.infer<typeof createdAlertDestinationSchema>;

export const alertDestinationIdParamSchema = z.string().uuid('must be a UUID');

export const testAlertResponseSchema = z.object({
  /** The webhook-id receivers see; the delivery log lists its tries. */
  notificationId: z.string(),
});

export const alertDeliverySchema = z.object({
  notificationId: z.string(),
  attempt: z.number().int(),
  time: z.string(),
  /** suppressed: recorded, deliberately not sent (a metric rule's cooldown); `error` says why. */
  outcome: z.enum(['delivered', 'retryable', 'permanent', 'suppressed']),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  error: z.string(),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

export const alertDeliveryListSchema = z.object({ items: z.array(alertDeliverySchema) });

export const alertDeliveryQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();

/** A rule that breaches again within this many minutes of its last resolved alert stays quiet. */
export const DEFAULT_RULE_COOLDOWN_MINUTES = 15;

export const metricRuleMetricSchema = z.enum(['error_rate', 'p95_latency_ms', 'cost_usd', 'user_cost_usd']);

/** error_rate takes a fraction (0.05 is 5 %); latency milliseconds; costs US dollars. */
export const createMetricRuleRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    metric: metricRuleMetricSchema,
    threshold: z.number().finite().min(0),
    windowMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    /** Against flapping: a breach this soon after the last alert resolved sends nothing (0: off). */
    cooldownMinutes: z
      .number()
      .int('must be whole minutes')
      .min(0)
      .max(24 * 60)
      .default(DEFAULT_RULE_COOLDOWN_MINUTES),
    model: z.string().trim().max(200).default(''),
    destinationIds: z.array(z.string().uuid()).min(1).max(20),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((r) => r.metric !== 'error_rate' || r.threshold <= 1, {
    message: 'an error_rate threshold is a fraction from 0 to 1 (0.05 is 5 %)',
    path: ['threshold'],
  });

export const metricRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  metric: metricRuleMetricSchema,
  threshold: z.number(),
  windowMinutes: z.number().int(),
  cooldownMinutes: z.number().int(),
  model: z.string(),
  destinationIds: z.array(z.string()),
  enabled: z.boolean(),
  createdAt: z.string(),
});
export type MetricRuleView = z.infer<typeof metricRuleSchema>;

export const metricRuleListSchema = z.object({ items: z.array(metricRuleSchema) });

export const problemKindSchema = z.enum(DETECTOR_KINDS);

export const problemDimensionSchema = z.enum(DETECTION_DIMENSIONS);

/** Which problems go where: every listed filter must match; reminders while open and unacknowledged. */
export const createProblemRouteRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kinds: z.array(problemKindSchema).max(10).default([]),
    minSeverity: z.number().finite().min(0).max(100).default(0),
    dimension: problemDimensionSchema.or(z.literal('')).default(''),
    value: z.string().trim().max(500).default(''),
    destinationIds: z.array(z.string().uuid()).min(1).max(20),
    remindEveryMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(0)
      .refine((m) => m === 0 || m >= 15, 'reminders come at most every 15 minutes (0 turns them off)'),
    notifyResolved: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((r) => !r.value || r.dimension, {
    message: 'a value needs its dimension (e.g. dimension "model", value "gpt-4o-mini")',
    path: ['value'],
  });

export const problemRouteSchema = z.object({
  id: z.string(),
  name: z.string(),
  kinds: z.array(z.string()),
  minSeverity: z.number(),
  dimension: z.string(),
  value: z.string(),
  destinationIds: z.array(z.string()),
  remindEveryMinutes: z.number().int(),
  notifyResolved: z.boolean(),
  enabled: z.boolean(),
  createdAt: z.string(),
});
export type ProblemRouteView = z.infer<typeof problemRouteSchema>;

export const problemRouteListSchema = z.object({ items: z.array(problemRouteSchema) });

/** A notification recorded for a problem: where it went (never the URL), which turn, how delivery went. */
export const problemNotificationSchema = z.object({
  notificationId: z.string(),
  destinationId: z.string(),
  /** null when the destination was removed since. */
  destinationName: z.string().nullable(),
  destinationKind: alertDestinationKindSchema.nullable(),
  /** opened, reminder-<n> or resolved. */
  transition: z.string(),
  recordedAt: z.string(),
  state: z.enum(['pending', 'sent', 'failed', 'suppressed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastAttemptAt: z.string().nullable(),
});
export type ProblemNotificationView = z.infer<typeof problemNotificationSchema>;

export const problemNotificationListSchema = z.object({ items: z.array(problemNotificationSchema) });
