import { z } from 'zod';

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const HOUR = 3_600_000;

/** Topic settings, read from the environment once (README configuration table). */
const topicsConfigSchema = z.object({
  /** How often a project's topics are fitted again. */
  DRIFTWATCH_TOPICS_REFIT_MS: ms(60_000, 30 * 24 * HOUR).default(6 * HOUR),
  /** How often the schedule looks for due fits (and for projects ready for their first fit). */
  DRIFTWATCH_TOPICS_CHECK_MS: ms(100, HOUR).default(60_000),
  /** Request vectors a project needs in its window before its first fit. */
  DRIFTWATCH_TOPICS_MIN_CALLS: z.coerce.number().int().min(20).max(100_000).default(200),
  /** The baseline window a fit samples from, ending now. */
  DRIFTWATCH_TOPICS_WINDOW_MS: ms(60_000, 365 * 24 * HOUR).default(7 * 24 * HOUR),
  /** Request vectors per fit (at most the index's sample limit). */
  DRIFTWATCH_TOPICS_SAMPLE: z.coerce.number().int().min(20).max(20_000).default(5_000),
  /** Also write each call's topic onto its vector entry (a filter of similar-call searches); costs a re-write. */
  DRIFTWATCH_TOPICS_ON_VECTORS: z.enum(['true', 'false']).default('true'),
});

export interface TopicsSettings {
  refitMs: number;
  checkMs: number;
  minCalls: number;
  windowMs: number;
  sampleSize: number;
  topicOnVectors: boolean;
  /** Points of the 2-D map stored with each model. */
  mapPoints: number;
  /** Request vectors waiting for assignment; past it they are left to the next fit (counted). */
  maxPendingAssignments: number;
  /** Arriving vectors are assigned in batches after this delay. */
  assignDelayMs: number;
  seed: number;
}

export function loadTopicsConfig(env: NodeJS.ProcessEnv = process.env): TopicsSettings {
  const parsed = topicsConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    refitMs: c.DRIFTWATCH_TOPICS_REFIT_MS,
    checkMs: c.DRIFTWATCH_TOPICS_CHECK_MS,
    minCalls: c.DRIFTWATCH_TOPICS_MIN_CALLS,
    windowMs: c.DRIFTWATCH_TOPICS_WINDOW_MS,
    sampleSize: c.DRIFTWATCH_TOPICS_SAMPLE,
    topicOnVectors: c.DRIFTWATCH_TOPICS_ON_VECTORS === 'true',
    mapPoints: 800,
    maxPendingAssignments: 20_000,
    assignDelayMs: 500,
    seed: 1,
  };
}
