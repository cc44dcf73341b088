import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { problemIdParamSchema, problemListQuerySchema, type ProblemView } from '@driftwatch/api-schema';
import type { ProblemStatus } from '@driftwatch/contracts';
import { InvalidCursorError } from '@driftwatch/store-clickhouse';
import { Access, AccessGuard, projectOf, userOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { problemView } from './views.js';

/** Problems of the request's project. Reading needs membership (or the project's key); status changes a member. */
@Controller('/api/problems')
@UseGuards(AccessGuard)
export class ProblemsController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get()
  @Access('read')
  async list(
    @Req() request: AuthedRequest,
    @Query() query: unknown,
  ): Promise<{ items: ProblemView[]; nextCursor: string | null }> {
    const q = parseOr400(problemListQuerySchema, query, 'query');
    try {
      const page = await this.pipeline.detection.problems.list({
        projectId: projectOf(request),
        sort: q.sort,
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.dimension ? { dimension: q.dimension } : {}),
        ...(q.value !== undefined ? { value: q.value } : {}),
        ...(q.from !== undefined ? { fromMs: q.from } : {}),
        ...(q.to !== undefined ? { toMs: q.to } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      return { items: page.items.map(problemView), nextCursor: page.nextCursor };
    } catch (error) {
      if (error instanceof InvalidCursorError)
        throw new BadRequestException(`invalid query: cursor: ${error.message}`);
      throw error;
    }
  }

  @Get(':problemId')
  @Access('read')
  async get(@Req() request: AuthedRequest, @Param('problemId') problemId: string): Promise<ProblemView> {
    const id = parseOr400(problemIdParamSchema, problemId, 'problemId');
    const problem = await this.pipeline.detection.problems.get(projectOf(request), id);
    if (!problem) throw new NotFoundException(`no problem ${id} in this project`);
    return problemView(problem);
  }

  @Post(':problemId/acknowledge')
  @Access('annotate')
  @HttpCode(200)
  acknowledge(@Req() request: AuthedRequest, @Param('problemId') problemId: string): Promise<ProblemView> {
    return this.transition(request, problemId, 'acknowledged');
  }

  @Post(':problemId/resolve')
  @Access('annotate')
  @HttpCode(200)
  resolve(@Req() request: AuthedRequest, @Param('problemId') problemId: string): Promise<ProblemView> {
    return this.transition(request, problemId, 'resolved');
  }

  /** Acknowledging or resolving twice keeps the first who and when; a resolved problem is not acknowledged. */
  private async transition(
    request: AuthedRequest,
    problemId: string,
    status: ProblemStatus,
  ): Promise<ProblemView> {
    const id = parseOr400(problemIdParamSchema, problemId, 'problemId');
    const projectId = projectOf(request);
    const problems = this.pipeline.detection.problems;
    const current = await problems.get(projectId, id);
    if (!current) throw new NotFoundException(`no problem ${id} in this project`);
    if (current.status === status) return problemView(current);
    if (current.status === 'resolved')
      throw new ConflictException(`problem ${id} is resolved; a new one opens if the detectors see it again`);
    const changed = await problems.setStatus(projectId, id, status, userOf(request).email, Date.now());
    if (!changed) throw new NotFoundException(`no problem ${id} in this project`);
    return problemView(changed);
  }
}
