import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

export const PROXY_SECRET_HEADER = 'x-driftwatch-proxy-secret';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time: the comparison must not tell an attacker how much of the secret they guessed. */
function isProxySecret(sent: unknown, secret: string | null): boolean {
  return !!secret && typeof sent === 'string' && timingSafeEqual(digest(sent), digest(secret));
}

/**
 * The address sign-in limits are keyed on. Fastify's request.ip is the socket address, or the forwarded one
 * from proxies listed in DRIFTWATCH_TRUSTED_PROXIES. The dashboard's proxy proves itself with the shared
 * secret and then names its client in X-Forwarded-For (which it overwrites: a browser cannot choose it).
 */
export function clientAddress(request: FastifyRequest, proxySecret: string | null): string {
  if (isProxySecret(request.headers[PROXY_SECRET_HEADER], proxySecret)) {
    const forwarded = request.headers['x-forwarded-for'];
    const last = (typeof forwarded === 'string' ? forwarded : '').split(',').pop()?.trim() ?? '';
    if (isIP(last)) return last;
  }
  return request.ip;
}
