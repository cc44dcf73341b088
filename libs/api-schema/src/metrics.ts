import type { MetricsPoint, MetricsSummary } from '@driftwatch/contracts';
import { z } from 'zod';
import { instant, withTimeRange } from './time.js';

/** Bucket widths that read well on a chart (up to 365 days); the automatic choice gives about 60 buckets. */
const NICE_BUCKETS_S = [
  60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800, 2_678_400, 7_776_000, 31_536_000,
];
const MAX_BUCKETS = 2000;

/** groupBy keeps the N groups with most requests (default, max) and folds the rest into one series. */
export const DEFAULT_SERIES = 10;
export const MAX_SERIES = 100;
/** The group of the folded series; parenthesised so it cannot be mistaken for a model name. */
export const OTHER_SERIES = '(other)';
/** The group of calls that carry no release (or environment) attribute. */
export const NONE_SERIES = '(none)';
/** What the metrics can be grouped by: the model, or the release/environment the app reported (OTel resource). */
export const METRICS_GROUPS = ['model', 'release', 'environment'] as const;
/**
 * Bound on buckets x series in one answer (about 300 bytes a point in JSON, so a few MB). When the caller
 * left bucketSeconds to us, the bucket is coarsened to fit; when they chose it, a 400 says what to change.
 */
export const MAX_POINTS = 20_000;

export function autoBucketSeconds(rangeMs: number, maxBuckets = 60): number {
  const target = rangeMs / 1000 / maxBuckets;
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
    groupBy: z.enum(METRICS_GROUPS).optional(),
    /** With groupBy: how many groups to keep apart (by requests); the rest are summed as "(other)". */
    series: z.coerce.number().int().min(1).max(MAX_SERIES).optional(),
  })
  .strict()
  .transform(withTimeRange)
  .transform((q, ctx) => {
    const rangeS = (q.toMs - q.fromMs) / 1000;
    const series = q.groupBy ? (q.series ?? DEFAULT_SERIES) : undefined;
    const seriesCount = series === undefined ? 1 : series + 1;
    const maxBuckets = Math.min(MAX_BUCKETS, Math.floor(MAX_POINTS / seriesCount));
    if (q.bucketSeconds === undefined) {
      // ~60 buckets, or fewer when that would not fit; past the widest bucket the range itself is too long.
      const bucketSeconds = autoBucketSeconds(q.toMs - q.fromMs, Math.min(60, maxBuckets));
      if (rangeS / bucketSeconds > maxBuckets)
        ctx.addIssue({
          code: 'custom',
          path: ['from'],
          message: `the range is too long for ${maxBuckets} buckets of at most ${bucketSeconds} s: shorten it`,
        });
      return { ...q, bucketSeconds, ...(series === undefined ? {} : { series }) };
    }
    const buckets = Math.ceil(rangeS / q.bucketSeconds);
    if (buckets > maxBuckets) {
      const needed = Math.ceil(rangeS / maxBuckets);
      ctx.addIssue({
        code: 'custom',
        path: ['bucketSeconds'],
        message:
          `${buckets} buckets x ${seriesCount} series is more than this API returns ` +
          `(${MAX_BUCKETS} buckets, ${MAX_POINTS} points): use bucketSeconds >= ${needed}, a shorter range` +
          (series === undefined ? '' : ', or fewer series'),
      });
    }
    return { ...q, bucketSeconds: q.bucketSeconds, ...(series === undefined ? {} : { series }) };
  });

export const metricsPointSchema = z.object({
  bucketStart: z.string(),
  /**
   * The model, release or environment; "(other)" for the groups past `series`, "(none)" for calls without a
   * release or environment; null when not grouped.
   */
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
  /** Calls whose trace has a feedback judgement, those judged negative, and their ratio (null: none judged). */
  feedbackCalls: z.number().int(),
  negativeFeedbackCalls: z.number().int(),
  negativeFeedbackRate: z.number().nullable(),
}) satisfies z.ZodType<MetricsPoint>;

export const metricsSummarySchema = z.object({
  totals: z.array(metricsPointSchema),
  buckets: z.array(metricsPointSchema),
}) satisfies z.ZodType<MetricsSummary>;
