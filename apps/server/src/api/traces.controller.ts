import {
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { TraceCount, TraceDetail, TraceListPage, VectorMatch } from '@driftwatch/contracts';
import { PermanentError, RetryableError, SaturatedError } from '@driftwatch/contracts';
import {
  similarCallsQuerySchema,
  traceIdParamSchema,
  traceListQuerySchema,
  type SimilarCalls,
} from '@driftwatch/api-schema';
import { callTexts } from '@driftwatch/embedding';
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

  /** The list's filters (its cursor, sort and limit ignored), counted up to a cap; before ':traceId'. */
  @Get('count')
  async count(@Req() request: AuthedRequest, @Query() query: unknown): Promise<TraceCount> {
    const parsed = parseOr400(traceListQuerySchema, query, 'query');
    return this.pipeline.reader.countTraces(projectOf(request), parsed);
  }

  @Get(':traceId')
  async get(@Req() request: AuthedRequest, @Param('traceId') traceId: string): Promise<TraceDetail> {
    const id = parseOr400(traceIdParamSchema, traceId, 'traceId');
    const trace = await this.pipeline.reader.getTrace(projectOf(request), id);
    if (!trace) throw new NotFoundException(`trace ${id} not found in this project`);
    return trace;
  }

  /**
   * The calls of this project nearest to one LLM call of the trace: its request (or response) text is embedded
   * again and looked up in the vector index among the same field. 503 when embeddings are not available here,
   * 503 with Retry-After while the embedder or the index fails retryably, 422 when the embedder refuses the text.
   */
  @Get(':traceId/similar')
  async similar(
    @Req() request: AuthedRequest,
    @Param('traceId') traceId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SimilarCalls> {
    const id = parseOr400(traceIdParamSchema, traceId, 'traceId');
    const { spanId, field, k } = parseOr400(similarCallsQuerySchema, query, 'query');
    const { embedder, index } = this.pipeline.embedding;
    if (!embedder || !index) {
      const { reason } = await this.pipeline.embedding.check();
      throw new ServiceUnavailableException(`similar calls are not available: ${reason}`);
    }
    const projectId = projectOf(request);
    const trace = await this.pipeline.reader.getTrace(projectId, id);
    const span = trace?.spans.find((s) => s.spanId === spanId);
    if (!span) throw new NotFoundException(`span ${spanId} of trace ${id} not found in this project`);
    const text = span.llm
      ? callTexts(span.llm, { request: field === 'request', response: field === 'response' }).inputs[0]?.text
      : undefined;
    if (!text) throw new NotFoundException(`span ${spanId} has no ${field} text to compare`);
    let matches: VectorMatch[];
    try {
      const { vectors } = await embedder.embed([text]);
      matches = await index.nearest(vectors[0] as Float32Array, k, { projectId, field });
    } catch (error) {
      throw similarError(error, reply);
    }
    return {
      spanId,
      field,
      embeddingModel: embedder.modelId,
      matches: matches.map((m) => ({
        traceId: m.traceId,
        spanId: m.spanId,
        field: m.field,
        distance: m.distance,
        time: new Date(m.timeMs).toISOString(),
        model: m.model,
        release: m.release,
      })),
    };
  }
}

/** Seconds a client waits before asking again while the embedder or the index is down. */
const SIMILAR_RETRY_AFTER_S = 5;

/**
 * The embedder's and the index's typed errors as HTTP: retryable ones are the service's, for now (503 with
 * Retry-After); a permanent one means this text cannot be compared (422, saying why). Others stay 500s.
 */
function similarError(error: unknown, reply: FastifyReply): unknown {
  if (error instanceof RetryableError) {
    const seconds = error instanceof SaturatedError ? error.retryAfterSeconds : SIMILAR_RETRY_AFTER_S;
    void reply.header('retry-after', String(seconds));
    return new ServiceUnavailableException(`similar calls are not available now: ${error.message}`);
  }
  if (error instanceof PermanentError) {
    return new HttpException(`similar calls: ${error.message}`, HttpStatus.UNPROCESSABLE_ENTITY);
  }
  return error;
}
