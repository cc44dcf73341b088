import type { FeedbackSettingsStore } from '@driftwatch/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const FEEDBACK_PATH = '/api/feedback';
const PREFLIGHT_MAX_AGE_S = 600;

export function isFeedbackPath(url: string): boolean {
  return url.split('?', 1)[0] === FEEDBACK_PATH;
}

/** Whether a project's settings let this browser origin post feedback. */
export function originAllowed(allowedOrigins: readonly string[], origin: string): boolean {
  return allowedOrigins.includes('*') || allowedOrigins.includes(origin);
}

function allowOrigin(reply: FastifyReply, origin: string): void {
  void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
}

/**
 * CORS for POST /api/feedback, before routing and the access guard, so a browser can read every answer (401
 * and 403 too). A preflight names no project (it carries no key), so it is answered for an origin some
 * project allows; the feedback route then checks the origin against the key's own project (403 otherwise).
 * The session cookie is never involved (no Allow-Credentials): a web page authenticates with a public key.
 */
export function registerFeedbackCors(fastify: FastifyInstance, settings: FeedbackSettingsStore): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (!isFeedbackPath(request.url)) return;
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || origin === '') return;
    const allowed = await settings.anyProjectAllows(origin);
    if (request.method === 'OPTIONS') {
      if (!allowed)
        return reply.status(403).send({
          statusCode: 403,
          error: 'Forbidden',
          message: `origin ${origin} may not send feedback: add it to a project's feedback settings (allowedOrigins)`,
        });
      allowOrigin(reply, origin);
      return reply
        .status(204)
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
        .send();
    }
    if (allowed) allowOrigin(reply, origin);
  });
}
