import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { buildOpenApiDocument } from '@driftwatch/api-schema';
import { PIPELINE, VERSION } from '../common/tokens.js';
import type { Pipeline } from '../composition/pipeline.js';

@Controller()
export class HealthController {
  private openApi: Record<string, unknown> | null = null;

  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(VERSION) private readonly version: string,
  ) {}

  @Get('/healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('/readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const checks = await this.pipeline.isReady();
    const ready = checks.store && checks.queue;
    await reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  }

  @Get('/api/openapi.json')
  openapi(): Record<string, unknown> {
    this.openApi ??= buildOpenApiDocument(this.version);
    return this.openApi;
  }
}
