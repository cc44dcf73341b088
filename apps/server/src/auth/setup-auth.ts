import { UserStore, type ApiKeyStore } from '@driftwatch/store-clickhouse';
import type { DriftwatchConfig } from '../config/config.js';
import type { AuthServices } from './auth.constants.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { LoginLimiter } from './login-limiter.js';
import { RetentionSweeper } from './retention-sweeper.js';

const SESSION_TTL_MS = 7 * 86_400_000;

/** Loads users into memory, creates the first admin when none exists and starts the retention sweeper. */
export async function setupAuth(keys: ApiKeyStore, config: DriftwatchConfig, log: (m: string) => void) {
  const users = new UserStore(keys.client, config.database);
  await users.start();
  const admin = await bootstrapAdmin(users, config.bootstrapAdminEmail, config.bootstrapAdminPassword);
  const sweeper = new RetentionSweeper(keys, log);
  sweeper.start();
  const services: AuthServices = { users, keys, limiter: new LoginLimiter(), sessionTtlMs: SESSION_TTL_MS };
  return { services, admin, sweeper };
}
