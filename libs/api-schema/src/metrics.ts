import type { MetricsPoint, MetricsSummary } from '@driftwatch/contracts';
import { z } from 'zod';
import { instant, withTimeRange } from './time.js';

/** Bucket widths that read well on a chart; the automatic choice gives about 60 buckets. */
const NICE_BUCKETS_S = [60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800];
const MAX_BUCKETS = 2000;

export function autoBucketSeconds(rangeMs: number): number {
  const target = rangeMs / 1000 / 60;
  return NICE_BUCKETS_S.find((b) => b >= target) ?? NICE_BUCKETS_S[NICE_BUCKETS_S.length - 1]!;
}

export const metricsQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    bucketSeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(31 * 86400)
      .optional(),
    groupBy: z.enum(['model']).optional(),
  })
  .strict()
  .transform(withTimeRange)
  .transform((q, ctx) => {
    const bucketSeconds = q.bucketSeconds ?? autoBucketSeconds(q.toMs - q.fromMs);
    if ((q.toMs - q.fromMs) / 1000 / bucketSeconds > MAX_BUCKETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['bucketSeconds'],
        message: `at most ${MAX_BUCKETS} buckets per range`,
      });
    }
    return { ...q, bucketSeconds };
  });

export const metricsPointSchema = z.object({
  bucketStart: z.string(),
  group: z.string().nullable(),
  requests: z.number().int(),
  errors: z.number().int(),
  errorRate: z.number(),
  latencyP50Ms: z.number(),
  latencyP95Ms: z.number(),
  latencyP99Ms: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
}) satisfies z.ZodType<MetricsPoint>;

export const metricsSummarySchema = z.object({
  totals: z.array(metricsPointSchema),
  buckets: z.array(metricsPointSchema),
}) satisfies z.ZodType<MetricsSummary>;
