import { Controller, Get, Inject, NotFoundException, Param, Query, Req, UseGuards } from '@nestjs/common';
import type { TraceDetail, TraceListPage } from '@driftwatch/contracts';
import { traceIdParamSchema, traceListQuerySchema } from '@driftwatch/api-schema';
import { InvalidCursorError } from '@driftwatch/store-clickhouse';
import { BadRequestException } from '@nestjs/common';
import { Access, AccessGuard, projectOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';

@Controller('/api/traces')
@UseGuards(AccessGuard)
@Access('read')
export class TracesController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get()
  async list(@Req() request: AuthedRequest, @Query() query: unknown): Promise<TraceListPage> {
    const parsed = parseOr400(traceListQuerySchema, query, 'query');
    try {
      return await this.pipeline.reader.listTraces(projectOf(request), parsed);
    } catch (error) {
      if (error instanceof InvalidCursorError)
        throw new BadRequestException(`invalid query: cursor: ${error.message}`);
      throw error;
    }
  }

  @Get(':traceId')
  async get(@Req() request: AuthedRequest, @Param('traceId') traceId: string): Promise<TraceDetail> {
    const id = parseOr400(traceIdParamSchema, traceId, 'traceId');
    const trace = await this.pipeline.reader.getTrace(projectOf(request), id);
    if (!trace) throw new NotFoundException(`trace ${id} not found in this project`);
    return trace;
  }
}
