import type { ApiKeyStore, UserStore } from '@driftwatch/store-clickhouse';
import type { LoginLimiter } from './login-limiter.js';

/** DI token of the account services (explicit @Inject: no decorator metadata in the build). */
export const AUTH = Symbol('AUTH');

export interface AuthServices {
  users: UserStore;
  keys: ApiKeyStore;
  limiter: LoginLimiter;
  sessionTtlMs: number;
}

export const SESSION_COOKIE = 'dw_session';
export const PROJECT_HEADER = 'x-driftwatch-project';
