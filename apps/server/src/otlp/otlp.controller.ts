import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OTLP_HTTP } from '../common/tokens.js';
import { admissionTicketOf } from '../http/fastify-setup.js';
import type { OtlpHttpHandler } from './otlp-http-handler.js';
import type { Signal } from './otlp-ingest.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** OTLP/HTTP: POST /v1/traces and /v1/logs. Bodies are read here, not by Fastify (see http/fastify-setup.ts). */
@Controller()
export class OtlpController {
  constructor(@Inject(OTLP_HTTP) private readonly handler: OtlpHttpHandler) {}

  @Post('/v1/traces')
  async exportTraces(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.export('traces', request, reply);
  }

  /** GenAI events sent as log records (their span's conversation); other log records are ignored. */
  @Post('/v1/logs')
  async exportLogs(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.export('logs', request, reply);
  }

  private async export(signal: Signal, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const ticket = admissionTicketOf(request);
    // The work holds the ticket too: if the client leaves mid-export, its memory is still counted.
    const release = ticket.retain();
    if (!release) return; // the client is already gone
    try {
      const response = await this.handler.handle(
        signal,
        {
          body: request.raw,
          contentType: header(request, 'content-type'),
          contentEncoding: header(request, 'content-encoding'),
          authorization: header(request, 'authorization'),
        },
        ticket,
      );
      if (response) await reply.status(response.status).headers(response.headers).send(response.body);
      else reply.raw.destroy(); // the body never arrived whole: nothing to answer, and nothing to keep open
    } finally {
      release();
    }
  }
}
