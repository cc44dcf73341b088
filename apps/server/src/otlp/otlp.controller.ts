import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OTLP_HTTP } from '../common/tokens.js';
import type { OtlpHttpHandler } from './otlp-http-handler.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** POST /v1/traces, OTLP/HTTP. The body arrives unparsed (see main.ts); the handler does the rest. */
@Controller()
export class OtlpController {
  constructor(@Inject(OTLP_HTTP) private readonly handler: OtlpHttpHandler) {}

  @Post('/v1/traces')
  async exportTraces(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const response = await this.handler.handle({
      body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      contentType: header(request, 'content-type'),
      contentEncoding: header(request, 'content-encoding'),
      authorization: header(request, 'authorization'),
    });
    await reply.status(response.status).headers(response.headers).send(response.body);
  }
}
