import type { ApiKeyStore, ProjectStore, UserStore } from '@driftwatch/contracts';
import type { HashBudget } from './hash-budget.js';
import type { LoginLimiter } from './login-limiter.js';

/** DI token of the account services (explicit @Inject: no decorator metadata in the build). */
export const AUTH = Symbol('AUTH');

export interface AuthServices {
  users: UserStore;
  keys: ApiKeyStore;
  projects: ProjectStore;
  limiter: LoginLimiter;
  hashBudget: HashBudget;
  /** Proves a request came through the dashboard's proxy (see client-address.ts); null: none trusted. */
  proxySecret: string | null;
  sessionTtlMs: number;
}

export const SESSION_COOKIE = 'dw_session';
export const PROJECT_HEADER = 'x-driftwatch-project';
