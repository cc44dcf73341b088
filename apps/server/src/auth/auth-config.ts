import { z } from 'zod';

/**
 * Sign-in settings, read from the environment beside the main configuration (config/config.ts) because they
 * belong to the account side only. Defaults suit one embedded process.
 */
const authConfigSchema = z.object({
  /**
   * Reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or CIDRs, comma-separated, or
   * `loopback`). Unset: none, so a client's address is its socket's and no header can change it.
   */
  DRIFTWATCH_TRUSTED_PROXIES: z.string().default(''),
  /**
   * Shared with the dashboard: its /api proxy sends it (x-driftwatch-proxy-secret) with the browser's socket
   * address in X-Forwarded-For, which the server believes only with the right secret. scripts/start.mjs
   * generates one per run when unset; without it the dashboard's clients count as the dashboard's address.
   */
  DRIFTWATCH_PROXY_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** Password hashes (scrypt, 32 MiB and ~50-100 ms of a core each) running at once; past it 429. */
  DRIFTWATCH_PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Sustained password hashes per second over all sign-ins (bursts up to twice this); past it 429. */
  DRIFTWATCH_PASSWORD_HASHES_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(8),
});

export interface AuthConfig {
  trustedProxies: string[];
  proxySecret: string | null;
  hashConcurrency: number;
  hashesPerSecond: number;
}

export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const parsed = authConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    trustedProxies: c.DRIFTWATCH_TRUSTED_PROXIES.split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    proxySecret: c.DRIFTWATCH_PROXY_SECRET ?? null,
    hashConcurrency: c.DRIFTWATCH_PASSWORD_HASH_CONCURRENCY,
    hashesPerSecond: c.DRIFTWATCH_PASSWORD_HASHES_PER_SECOND,
  };
}

/** Fastify's trustProxy: false (trust no header) unless proxies are configured. */
export function trustProxySetting(env: NodeJS.ProcessEnv = process.env): string[] | false {
  const { trustedProxies } = loadAuthConfig(env);
  return trustedProxies.length ? trustedProxies : false;
}
