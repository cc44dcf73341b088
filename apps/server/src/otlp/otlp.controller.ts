import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OTLP_HTTP } from '../common/tokens.js';
import type { OtlpHttpHandler } from './otlp-http-handler.js';
import type { Signal } from './otlp-ingest.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** OTLP/HTTP: POST /v1/traces and /v1/logs. Bodies arrive unparsed (see http/fastify-setup.ts). */
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
    const response = await this.handler.handle(signal, {
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      contentType: header(request, 'content-type'),
      contentEncoding: header(request, 'content-encoding'),
      authorization: header(request, 'authorization'),
    });
    await reply.status(response.status).headers(response.headers).send(response.body);
  }
}
