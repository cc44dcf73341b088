import type { FastifyInstance } from 'fastify';
import type { OtlpHttpHandler } from '../otlp/otlp-http-handler.js';
import type { OtlpIngest } from '../otlp/otlp-ingest.js';

const OTLP_PATHS = ['/v1/traces', '/v1/logs'];

function isOtlp(url: string): boolean {
  const path = url.split('?', 1)[0];
  return OTLP_PATHS.includes(path ?? '');
}

/**
 * OTLP bodies stay raw bytes (the handler decompresses and decodes them with its own limits); REST bodies
 * are JSON. Admission to the OTLP route is checked before the body is read, so overload costs no memory.
 */
export function configureFastify(
  fastify: FastifyInstance,
  ingest: OtlpIngest,
  handler: OtlpHttpHandler,
): void {
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (isOtlp(request.url)) return done(null, body);
    if ((body as Buffer).length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      const error = Object.assign(new Error('request body is not valid JSON'), { statusCode: 400 });
      done(error, undefined);
    }
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const admitted = new WeakSet<object>();
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isOtlp(request.url)) return;
    if (!ingest.tryAdmit()) {
      const busy = handler.busy(request.headers['content-type']);
      return reply.status(busy.status).headers(busy.headers).send(busy.body);
    }
    admitted.add(request);
  });
  fastify.addHook('onResponse', async (request) => {
    if (admitted.delete(request)) ingest.release();
  });
}
