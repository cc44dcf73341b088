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
  createProblemRouteRequestSchema,
  type ProblemRouteView,
} from '@driftwatch/api-schema';
import type { ProblemRoute } from '@driftwatch/contracts';
import { Access, AccessGuard } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { checkDestinations } from './destination-check.js';

/** Problem routes of a project. Reading needs membership; adding and removing the admin role. */
@Controller('/api/projects/:id/alert-routes')
@UseGuards(AccessGuard)
export class AlertRoutesController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get()
  @Access('read', 'param')
  async list(@Param('id') id: string): Promise<{ items: ProblemRouteView[] }> {
    await this.project(id);
    return { items: (await this.pipeline.alerts.routes.list(id)).map(view) };
  }

  @Post()
  @Access('admin', 'param')
  async create(@Param('id') id: string, @Body() body: unknown): Promise<ProblemRouteView> {
    const input = parseOr400(createProblemRouteRequestSchema, body, 'body');
    await this.project(id);
    await checkDestinations(this.pipeline.alerts.destinations, id, input.destinationIds);
    return view(await this.pipeline.alerts.routes.create({ projectId: id, ...input }));
  }

  @Delete(':routeId')
  @Access('admin', 'param')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Param('routeId') routeId: string): Promise<void> {
    const valid = parseOr400(alertDestinationIdParamSchema, routeId, 'routeId');
    if (!(await this.pipeline.alerts.routes.remove(id, valid)))
      throw new NotFoundException(`no route ${valid} in ${id}`);
  }

  private async project(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}

function view(route: ProblemRoute): ProblemRouteView {
  const { routeId, projectId: _projectId, ...rest } = route;
  return { id: routeId, ...rest };
}
