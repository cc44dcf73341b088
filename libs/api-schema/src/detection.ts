import type { DetectionDimension, DetectorKind, DetectorSettings } from '@driftwatch/contracts';
import { z } from 'zod';
import { instant } from './time.js';

export const DETECTOR_KINDS = [
  'embedding_drift',
  'topic_shift',
  'new_topic',
  'out_of_scope',
  'latency',
  'error_rate',
  'tokens',
  'cost',
  'feedback',
  'score',
] as const satisfies readonly DetectorKind[];

export const DETECTION_DIMENSIONS = [
  'model',
  'release',
  'environment',
  'prompt',
  'service',
  'topic',
] as const satisfies readonly DetectionDimension[];

const MINUTE_MS = 60_000;
/** A backfill (POST /api/detectors/run) covers at most this many windows; a longer range is refused. */
export const MAX_BACKFILL_WINDOWS = 168;

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  enabled: [...DETECTOR_KINDS],
  // 0.5% per run: the windows' tests are not independent (one fixed baseline for every window, rate tests pooled
  // with the recent windows), and at 0.01 the evaluation measured 1.6% of null windows with a false alarm (2 of
  // 125, twice; bench/detectors/README.md); the target is at most 1%.
  falseAlarmRate: 0.005,
  minSamples: 30,
  minEffect: 0.1,
  // By topic too (and groups of near topics): "the answers about X get twice the negative feedback" is the problem
  // users most need told. Measured before the default changed (bench/detectors/README.md, session 9): watched by
  // topic, the latency, error-rate and cost changes of seeds 1-3 were all still found within 1 window, and no
  // nothing-changes window of seeds 1-3 opened a problem (0 of 90).
  dimensions: ['model', 'release', 'environment', 'prompt', 'topic'],
  baseline: 'trailing',
  windowMs: 3_600_000,
  baselineWindows: 24,
};

/** A list member that is one of `known`, said plainly when it is not. */
function oneOf<T extends string>(what: string, known: readonly T[]) {
  return z.string().refine((v): v is T => (known as readonly string[]).includes(v), {
    error: (issue) => `unknown ${what} "${String(issue.input)}" (known: ${known.join(', ')})`,
  }) as unknown as z.ZodType<T, string>;
}

/** {from, to} as ISO 8601 or epoch ms; {fromMs, toMs} (the contract's TimeWindow) is taken too. */
const timeRange = z
  .union([
    z.object({ from: instant, to: instant }).strict(),
    z
      .object({ fromMs: instant, toMs: instant })
      .strict()
      .transform((r) => ({ from: r.fromMs, to: r.toMs })),
  ])
  .refine((r) => r.from < r.to, { message: '`from` must be before `to`', path: ['from'] });

/** PUT /api/projects/{id}/detectors: the whole settings; a field left out takes its default. */
export const detectorSettingsRequestSchema = z
  .object({
    enabled: z
      .array(oneOf('detector', DETECTOR_KINDS))
      .max(DETECTOR_KINDS.length * 2)
      .default(DEFAULT_DETECTOR_SETTINGS.enabled),
    falseAlarmRate: z
      .number()
      .refine((v) => v > 0 && v <= 0.2, 'falseAlarmRate is a probability in (0, 0.2], e.g. 0.01')
      .default(DEFAULT_DETECTOR_SETTINGS.falseAlarmRate),
    minSamples: z
      .number()
      .int()
      .min(10, 'minSamples must be at least 10: fewer calls cannot support a test')
      .max(1_000_000)
      .default(DEFAULT_DETECTOR_SETTINGS.minSamples),
    minEffect: z.number().min(0).max(100).default(DEFAULT_DETECTOR_SETTINGS.minEffect),
    dimensions: z
      .array(oneOf('dimension', DETECTION_DIMENSIONS))
      .max(DETECTION_DIMENSIONS.length * 2)
      .default(DEFAULT_DETECTOR_SETTINGS.dimensions),
    baseline: z.enum(['trailing', 'previous_release', 'fixed']).default('trailing'),
    fixedBaseline: timeRange.optional(),
    windowMs: z
      .number()
      .int()
      .min(MINUTE_MS, 'windowMs must be at least one minute (60000)')
      .max(7 * 24 * 60 * MINUTE_MS, 'windowMs must be at most 7 days')
      .refine((v) => v % MINUTE_MS === 0, 'windowMs must be a whole number of minutes (a multiple of 60000)')
      .default(DEFAULT_DETECTOR_SETTINGS.windowMs),
    baselineWindows: z.number().int().min(1).max(720).default(DEFAULT_DETECTOR_SETTINGS.baselineWindows),
  })
  .strict()
  .refine((s) => s.baseline !== 'fixed' || s.fixedBaseline !== undefined, {
    message: "baseline 'fixed' needs fixedBaseline {from, to}",
    path: ['fixedBaseline'],
  })
  .transform(({ fixedBaseline, ...s }): DetectorSettings => ({
    ...s,
    enabled: [...new Set(s.enabled)],
    dimensions: [...new Set(s.dimensions)],
    ...(fixedBaseline ? { fixedBaseline: { fromMs: fixedBaseline.from, toMs: fixedBaseline.to } } : {}),
  }));

const isoRange = z.object({ from: z.string(), to: z.string() });

export const detectorSettingsSchema = z.object({
  enabled: z.array(z.enum(DETECTOR_KINDS)),
  falseAlarmRate: z.number(),
  minSamples: z.number().int(),
  minEffect: z.number(),
  dimensions: z.array(z.enum(DETECTION_DIMENSIONS)),
  baseline: z.enum(['trailing', 'previous_release', 'fixed']),
  fixedBaseline: isoRange.optional(),
  windowMs: z.number().int(),
  baselineWindows: z.number().int(),
});
export type DetectorSettingsView = z.infer<typeof detectorSettingsSchema>;

const listOf = <T extends string>(what: string, known: readonly T[]) =>
  z
    .string()
    .max(500)
    .transform((text) =>
      text
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(oneOf(what, known)).min(1));

export const problemStatusSchema = z.enum(['open', 'acknowledged', 'resolved']);

/** GET /api/problems; status and kind take comma-separated lists. */
export const problemListQuerySchema = z
  .object({
    status: listOf('status', problemStatusSchema.options).optional(),
    kind: listOf('detector', DETECTOR_KINDS).optional(),
    dimension: z.enum(DETECTION_DIMENSIONS).optional(),
    value: z.string().max(500).optional(),
    from: instant.optional(),
    to: instant.optional(),
    sort: z.enum(['severity', 'time']).default('severity'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: '`from` must be before `to`',
    path: ['from'],
  });

export const problemIdParamSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a problem id is 32 hex digits');

const evidenceSchema = z.object({
  series: z.array(z.object({ timeMs: z.number(), value: z.number() })).optional(),
  band: z.object({ low: z.number(), high: z.number() }).optional(),
  changePointMs: z.number().optional(),
  topic: z
    .object({
      id: z.string(),
      terms: z.array(z.string()),
      examples: z.array(z.string()),
      baselineExamples: z.array(z.string()).optional(),
    })
    .optional(),
  exampleTraceIds: z.array(z.string()),
  details: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});

/** A problem as the API shows it; times ISO 8601; a statistic that is not a finite number is null. */
export const problemSchema = z.object({
  id: z.string(),
  kind: z.enum(DETECTOR_KINDS),
  dimension: z.enum(DETECTION_DIMENSIONS).nullable(),
  value: z.string().nullable(),
  causeKey: z.string(),
  title: z.string(),
  statistic: z.string(),
  score: z.number().nullable(),
  pValue: z.number().nullable(),
  effectSize: z.number().nullable(),
  baselineValue: z.number().nullable(),
  currentValue: z.number().nullable(),
  trafficShare: z.number().nullable(),
  severity: z.number(),
  status: problemStatusSchema,
  baseline: isoRange,
  current: isoRange,
  /** Start of the first window that showed it. */
  firstWindowFrom: z.string().optional(),
  /** End of the first window that showed it. */
  openedAt: z.string(),
  /** End of the last window that showed it. */
  lastSeenAt: z.string(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  evidence: evidenceSchema,
});
export type ProblemView = z.infer<typeof problemSchema>;

export const problemListSchema = z.object({
  items: z.array(problemSchema),
  nextCursor: z.string().nullable(),
});

/** POST /api/detectors/run: detection over every whole window in [from, to); rerun also runs windows done before. */
export const runDetectorsRequestSchema = z
  .object({ from: instant, to: instant, rerun: z.boolean().default(false) })
  .strict()
  .refine((r) => r.from < r.to, { message: '`from` must be before `to`', path: ['from'] });

const skippedCheckSchema = z.object({
  kind: z.enum(DETECTOR_KINDS),
  dimension: z.enum(DETECTION_DIMENSIONS).optional(),
  value: z.string().optional(),
  reason: z.string(),
});

export const detectionWindowResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** already_done: a run of this window succeeded before (send rerun: true to run it again). */
  outcome: z.enum(['ok', 'failed', 'already_done']),
  findings: z.number().int(),
  /** Problems opened or refreshed by this window. */
  problems: z.number().int(),
  /** Checks that did not run, with the reason (e.g. "not enough data: 12 calls, 30 needed"). */
  skipped: z.array(skippedCheckSchema),
  error: z.string().optional(),
});
export type DetectionWindowResult = z.infer<typeof detectionWindowResultSchema>;

export const runDetectorsResponseSchema = z.object({
  windowMs: z.number().int(),
  windows: z.array(detectionWindowResultSchema),
});

export const detectionRunListQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50) })
  .strict();

/** One attempt at a (project, window): its outcome, its runner, why it failed, which checks lacked data. */
export const detectionRunSchema = z.object({
  from: z.string(),
  to: z.string(),
  runner: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  outcome: z.enum(['ok', 'failed']),
  error: z.string(),
  findings: z.number().int(),
  skipped: z.array(skippedCheckSchema),
});
export type DetectionRunView = z.infer<typeof detectionRunSchema>;

export const detectionRunListSchema = z.object({ items: z.array(detectionRunSchema) });
