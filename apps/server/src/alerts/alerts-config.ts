import { z } from 'zod';

const millis = z.coerce
  .number()
  .int()
  .min(50)
  .max(7 * 24 * 3_600_000);

/** Alert settings, read beside the main configuration (config/config.ts) because only alerts use them. */
const alertsConfigSchema = z.object({
  /**
   * Host names, addresses or CIDRs alerts may be sent to although they are private, loopback or link-local
   * (comma-separated), e.g. `10.1.2.0/24,hooks.internal`. Unset: only public addresses.
   */
  DRIFTWATCH_ALERTS_ALLOWED_HOSTS: z.string().default(''),
  /** 32 bytes (64 hex digits or base64) sealing destination URLs and secrets; embedded: generated if unset. */
  DRIFTWATCH_SECRET_KEY: z.string().optional(),
  /** How often the notifier looks for due notifications; a test message sent through this process wakes it at once. */
  DRIFTWATCH_ALERTS_POLL_MS: millis.default(5_000),
  /** How long a claimed notification stays with its notifier before another may try it. */
  DRIFTWATCH_ALERTS_LEASE_MS: millis.default(60_000),
  /** A notification not delivered this long after it was recorded is marked failed. */
  DRIFTWATCH_ALERTS_RETRY_PERIOD_MS: millis.default(24 * 3_600_000),
  DRIFTWATCH_ALERTS_RETRY_BASE_MS: millis.default(1_000),
  DRIFTWATCH_ALERTS_RETRY_MAX_MS: millis.default(10 * 60_000),
  /** How often metric rules are evaluated (each over its own window). */
  DRIFTWATCH_ALERTS_RULES_INTERVAL_MS: millis.default(60_000),
  /** How often problems are matched against the routes (a problem is told within this of being recorded). */
  DRIFTWATCH_ALERTS_PROBLEMS_INTERVAL_MS: millis.default(15_000),
  /** One HTTP exchange with a destination, connect to answer. */
  DRIFTWATCH_ALERTS_TIMEOUT_MS: millis.default(10_000),
});

export interface AlertsConfig {
  allowedHosts: string[];
  secretKey: string | null;
  pollMs: number;
  leaseMs: number;
  retry: { baseDelayMs: number; maxDelayMs: number; giveUpAfterMs: number };
  rulesIntervalMs: number;
  problemsIntervalMs: number;
  timeoutMs: number;
  /** Answers are read up to this size (status and a line of text are all we need). */
  maxResponseBytes: number;
}

export function loadAlertsConfig(env: Record<string, string | undefined> = process.env): AlertsConfig {
  const parsed = alertsConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.DRIFTWATCH_ALERTS_LEASE_MS <= c.DRIFTWATCH_ALERTS_TIMEOUT_MS)
    throw new Error(
      'invalid configuration: DRIFTWATCH_ALERTS_LEASE_MS must exceed DRIFTWATCH_ALERTS_TIMEOUT_MS (a claim must outlast a send)',
    );
  return {
    allowedHosts: c.DRIFTWATCH_ALERTS_ALLOWED_HOSTS.split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    secretKey: c.DRIFTWATCH_SECRET_KEY ?? null,
    pollMs: c.DRIFTWATCH_ALERTS_POLL_MS,
    leaseMs: c.DRIFTWATCH_ALERTS_LEASE_MS,
    retry: {
      baseDelayMs: c.DRIFTWATCH_ALERTS_RETRY_BASE_MS,
      maxDelayMs: c.DRIFTWATCH_ALERTS_RETRY_MAX_MS,
      giveUpAfterMs: c.DRIFTWATCH_ALERTS_RETRY_PERIOD_MS,
    },
    rulesIntervalMs: c.DRIFTWATCH_ALERTS_RULES_INTERVAL_MS,
    problemsIntervalMs: c.DRIFTWATCH_ALERTS_PROBLEMS_INTERVAL_MS,
    timeoutMs: c.DRIFTWATCH_ALERTS_TIMEOUT_MS,
    maxResponseBytes: 64 * 1024,
  };
}
