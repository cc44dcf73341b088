import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  alertDestinationIdParamSchema,
  createMetricRuleRequestSchema,
  type MetricRuleView,
} from '@driftwatch/api-schema';
import type { MetricRule } from '@driftwatch/contracts';
import { Access, AccessGuard } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { checkDestinations } from './destination-check.js';

/** Metric rules of a project. Reading needs membership; adding and removing the admin role. */
@Controller('/api/projects/:id/alert-rules')
@UseGuards(AccessGuard)
export class AlertRulesController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get()
  @Access('read', 'param')
  async list(@Param('id') id: string): Promise<{ items: MetricRuleView[] }> {
    await this.project(id);
    return { items: (await this.pipeline.alerts.rules.list(id)).map(view) };
  }

  @Post()
  @Access('admin', 'param')
  async create(@Param('id') id: string, @Body() body: unknown): Promise<MetricRuleView> {
    const input = parseOr400(createMetricRuleRequestSchema, body, 'body');
    await this.project(id);
    await checkDestinations(this.pipeline.alerts.destinations, id, input.destinationIds);
    return view(await this.pipeline.alerts.rules.create({ projectId: id, ...input }));
  }

  @Delete(':ruleId')
  @Access('admin', 'param')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Param('ruleId') ruleId: string): Promise<void> {
    const valid = parseOr400(alertDestinationIdParamSchema, ruleId, 'ruleId');
    if (!(await this.pipeline.alerts.rules.remove(id, valid)))
      throw new NotFoundException(`no rule ${valid} in ${id}`);
  }

  private async project(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}

function view(rule: MetricRule): MetricRuleView {
  return {
    id: rule.ruleId,
    name: rule.name,
    metric: rule.metric,
    threshold: rule.threshold,
    windowMinutes: rule.windowMinutes,
    model: rule.model,
    destinationIds: rule.destinationIds,
    enabled: rule.enabled,
    createdAt: rule.createdAt,
  };
}
