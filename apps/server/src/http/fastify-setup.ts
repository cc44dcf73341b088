import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FEEDBACK_MAX_BODY_BYTES } from '@driftwatch/api-schema';
import { isFeedbackPath } from '../feedback/feedback-cors.js';
import type { AdmissionTicket } from '../otlp/admission.js';
import type { OtlpHttpHandler } from '../otlp/otlp-http-handler.js';
import type { OtlpIngest } from '../otlp/otlp-ingest.js';

const OTLP_PATHS = ['/v1/traces', '/v1/logs'];

function isOtlp(url: string): boolean {
  const path = url.split('?', 1)[0];
  return OTLP_PATHS.includes(path ?? '');
}

const admitted = new WeakMap<FastifyRequest, { ticket: AdmissionTicket; end: () => void }>();

/** The admission ticket the onRequest hook took for an OTLP export. */
export function admissionTicketOf(request: FastifyRequest): AdmissionTicket {
  const entry = admitted.get(request);
  if (!entry) throw new Error(`${request.method} ${request.url} was not admitted`);
  return entry.ticket;
}

/**
 * Gives the transport's hold on `ticket` back on whichever ending comes first: the response closing
 * (sent, or its connection gone), the request aborted before its body was complete, or the socket
 * closing (a pipelined request whose response never got the socket). Listeners are removed on the way
 * out, so a long keep-alive connection does not collect them.
 */
function bindEnding(request: FastifyRequest, response: ServerResponse, ticket: AdmissionTicket): () => void {
  const socket: Socket | undefined = request.raw.socket;
  const onRequestClose = () => request.raw.complete || end();
  const end = () => {
    response.off('close', end);
    request.raw.off('close', onRequestClose);
    socket?.off('close', end);
    ticket.release();
  };
  response.once('close', end);
  request.raw.once('close', onRequestClose);
  socket?.once('close', end);
  return end;
}

/**
 * OTLP bodies are left unread (the OTLP handler streams them, decompressing under its own limits, once the
 * request is authenticated); REST bodies are JSON. Admission to an OTLP route is taken before the body
 * is read, so overload costs no memory, and given back exactly once however the request ends: response
 * sent, error, timeout, client abort or socket closed (the response's 'close' covers all of them; the
 * hooks are there too and cost nothing, release being idempotent).
 */
export function configureFastify(
  fastify: FastifyInstance,
  ingest: OtlpIngest,
  handler: OtlpHttpHandler,
): void {
  const restLimit = fastify.initialConfig.bodyLimit ?? 1024 * 1024;
  // Feedback may come from any browser holding a public key: a smaller bound than the other REST bodies.
  const limitOf = (url: string) =>
    isFeedbackPath(url) ? Math.min(restLimit, FEEDBACK_MAX_BODY_BYTES) : restLimit;
  fastify.removeContentTypeParser(['application/json']);
  fastify.addContentTypeParser('application/json', (request, payload, done) => {
    if (isOtlp(request.url)) return done(null, undefined);
    readRaw(payload, limitOf(request.url)).then((body) => done(...parseJson(body)), done);
  });
  fastify.addContentTypeParser('*', (request, payload, done) => {
    if (isOtlp(request.url)) return done(null, undefined);
    readRaw(payload, limitOf(request.url)).then((body) => done(null, body), done);
  });

  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isOtlp(request.url)) return;
    const ticket = ingest.tryAdmit();
    if (!ticket) {
      const busy = handler.busy(request.headers['content-type']);
      return reply.status(busy.status).headers(busy.headers).send(busy.body);
    }
    admitted.set(request, { ticket, end: bindEnding(request, reply.raw, ticket) });
  });
  const release = async (request: FastifyRequest) => admitted.get(request)?.end();
  fastify.addHook('onResponse', release);
  fastify.addHook('onError', release);
  fastify.addHook('onTimeout', release);
  fastify.addHook('onRequestAbort', release);
}

function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

function parseJson(body: Buffer): [Error | null, unknown] {
  if (body.length === 0) return [null, undefined];
  try {
    return [null, JSON.parse(body.toString('utf8'))];
  } catch {
    return [httpError(400, 'request body is not valid JSON'), undefined];
  }
}

/** A REST body, up to `limit` bytes (413 past it, the rest discarded). */
function readRaw(payload: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      payload.off('data', onData).off('end', onEnd);
      chunks.length = 0;
      payload.resume();
      reject(httpError(413, `request body exceeds the limit of ${limit} bytes`));
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    const onClose = () => payload.readableEnded || reject(httpError(400, 'request body incomplete'));
    payload.on('data', onData).once('end', onEnd).once('error', reject).once('close', onClose);
  });
}
