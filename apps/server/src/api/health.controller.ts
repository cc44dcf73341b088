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

  /** 200 when everything this process's roles need works now; 503 with the reasons otherwise. */
  @Get('/readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const { ready, checks } = await this.pipeline.isReady();
    const reasons = Object.entries(checks).flatMap(([name, c]) => (c.ready ? [] : [`${name}: ${c.reason}`]));
    await reply
      .status(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(
        ready ? { status: 'ready', checks } : { status: 'not ready', reason: reasons.join('; '), checks },
      );
  }

  @Get('/api/openapi.json')
  openapi(): Record<string, unknown> {
    this.openApi ??= buildOpenApiDocument(this.version);
    return this.openApi;
  }
}
