import { Controller, Get, Inject, Query, Req, UseGuards } from '@nestjs/common';
import type { MetricsSummary } from '@driftwatch/contracts';
import { metricsQuerySchema } from '@driftwatch/api-schema';
import { Access, AccessGuard, projectOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';

@Controller('/api/metrics')
@UseGuards(AccessGuard)
@Access('read')
export class MetricsController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get('summary')
  async summary(@Req() request: AuthedRequest, @Query() query: unknown): Promise<MetricsSummary> {
    const parsed = parseOr400(metricsQuerySchema, query, 'query');
    return this.pipeline.reader.metricsSummary(projectOf(request), parsed);
  }
}
