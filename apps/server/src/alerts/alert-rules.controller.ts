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
  createProblemRouteRequestSchema,
  type MetricRuleView,
  type ProblemRouteView,
} from '@driftwatch/api-schema';
import type { MetricRule, ProblemRoute } from '@driftwatch/contracts';
import { Access, AccessGuard } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { checkDestinations } from './destination-check.js';

/**
 * What alerts a project: metric rules (thresholds) and problem routes (detector problems to destinations).
 * Reading needs membership; adding and removing the admin role.
 */
@Controller('/api/projects/:id')
@UseGuards(AccessGuard)
export class AlertRulesController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get('alert-rules')
  @Access('read', 'param')
  async listRules(@Param('id') id: string): Promise<{ items: MetricRuleView[] }> {
    await this.project(id);
    return { items: (await this.pipeline.alerts.rules.list(id)).map(ruleView) };
  }

  @Post('alert-rules')
  @Access('admin', 'param')
  async createRule(@Param('id') id: string, @Body() body: unknown): Promise<MetricRuleView> {
    const input = parseOr400(createMetricRuleRequestSchema, body, 'body');
    await this.project(id);
    await checkDestinations(this.pipeline.alerts.destinations, id, input.destinationIds);
    return ruleView(await this.pipeline.alerts.rules.create({ projectId: id, ...input }));
  }

  @Delete('alert-rules/:ruleId')
  @Access('admin', 'param')
  @HttpCode(204)
  async removeRule(@Param('id') id: string, @Param('ruleId') ruleId: string): Promise<void> {
    const valid = parseOr400(alertDestinationIdParamSchema, ruleId, 'ruleId');
    if (!(await this.pipeline.alerts.rules.remove(id, valid)))
      throw new NotFoundException(`no rule ${valid} in ${id}`);
  }

  @Get('alert-routes')
  @Access('read', 'param')
  async listRoutes(@Param('id') id: string): Promise<{ items: ProblemRouteView[] }> {
    await this.project(id);
    return { items: (await this.pipeline.alerts.routes.list(id)).map(routeView) };
  }

  @Post('alert-routes')
  @Access('admin', 'param')
  async createRoute(@Param('id') id: string, @Body() body: unknown): Promise<ProblemRouteView> {
    const input = parseOr400(createProblemRouteRequestSchema, body, 'body');
    await this.project(id);
    await checkDestinations(this.pipeline.alerts.destinations, id, input.destinationIds);
    return routeView(await this.pipeline.alerts.routes.create({ projectId: id, ...input }));
  }

  @Delete('alert-routes/:routeId')
  @Access('admin', 'param')
  @HttpCode(204)
  async removeRoute(@Param('id') id: string, @Param('routeId') routeId: string): Promise<void> {
    const valid = parseOr400(alertDestinationIdParamSchema, routeId, 'routeId');
    if (!(await this.pipeline.alerts.routes.remove(id, valid)))
      throw new NotFoundException(`no route ${valid} in ${id}`);
  }

  private async project(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}

function ruleView({ ruleId, projectId: _p, ...rest }: MetricRule): MetricRuleView {
  return { id: ruleId, ...rest };
}

function routeView({ routeId, projectId: _p, ...rest }: ProblemRoute): ProblemRouteView {
  return { id: routeId, ...rest };
}
