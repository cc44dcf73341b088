import type { ApiKeyStore, ProjectStore, UserStore } from '@driftwatch/contracts';
import type { DriftwatchConfig } from '../config/config.js';
import type { AuthServices } from './auth.constants.js';
import { loadAuthConfig } from './auth-config.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { HashBudget } from './hash-budget.js';
import { LoginLimiter } from './login-limiter.js';

const SESSION_TTL_MS = 7 * 86_400_000;

/** Creates the first admin when none exists and the sign-in limits; the stores come from the composition root. */
export async function setupAuth(
  stores: { users: UserStore; keys: ApiKeyStore; projects: ProjectStore },
  config: DriftwatchConfig,
) {
  const authConfig = loadAuthConfig();
  const admin = await bootstrapAdmin(stores.users, config.bootstrapAdminEmail, config.bootstrapAdminPassword);
  const services: AuthServices = {
    ...stores,
    limiter: new LoginLimiter(),
    hashBudget: new HashBudget(authConfig.hashesPerSecond, authConfig.hashConcurrency),
    proxySecret: authConfig.proxySecret,
    sessionTtlMs: SESSION_TTL_MS,
  };
  return { services, admin };
}
