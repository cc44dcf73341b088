import { Body, Controller, Get, Inject, NotFoundException, Param, Put, UseGuards } from '@nestjs/common';
import { priceOverrideListSchema, type PriceOverrideList } from '@driftwatch/api-schema';
import { Access, AccessGuard } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import type { Pipeline } from '../composition/pipeline.js';
import { parseOr400 } from '../common/validation.js';

/**
 * A project's own prices (custom or fine-tuned models, negotiated rates). Members read them; only admins replace
 * them. New spans are priced with them (the ingest picks a change up within seconds); stored spans keep their cost.
 */
@Controller('/api/projects/:id/prices')
@UseGuards(AccessGuard)
export class PricesController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get()
  @Access('read', 'param')
  async list(@Param('id') id: string): Promise<PriceOverrideList> {
    await this.existing(id);
    return { items: await this.pipeline.prices.list(id) };
  }

  @Put()
  @Access('admin', 'param')
  async replace(@Param('id') id: string, @Body() body: unknown): Promise<PriceOverrideList> {
    const { items } = parseOr400(priceOverrideListSchema, body, 'body');
    await this.existing(id);
    await this.pipeline.prices.replace(id, items);
    return { items };
  }

  private async existing(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}
