import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type {
  FeedbackInput,
  FeedbackSettings,
  FeedbackSource,
  FeedbackWriteResult,
  StoredFeedback,
} from '@driftwatch/contracts';
import { RetryableError } from '@driftwatch/contracts';
import { feedbackValueProblem, parseFeedbackBody, traceIdParamSchema } from '@driftwatch/api-schema';
import { Access, AccessGuard, projectOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { originAllowed } from './feedback-cors.js';

const RETRY_AFTER_S = 1;

/**
 * End-user feedback and scores (wire contract in docs/feedback.md). Project keys, public keys (dwpk_, which can
 * do nothing else) and members post; anyone who reads the project reads a trace's feedback.
 */
@Controller('/api')
@UseGuards(AccessGuard)
export class FeedbackController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Post('feedback')
  @HttpCode(200)
  @Access('feedback')
  async post(
    @Req() request: AuthedRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FeedbackWriteResult> {
    const projectId = projectOf(request);
    const settings = await this.pipeline.feedbackSettings.current(projectId);
    const origin = request.headers.origin;
    if (
      request.auth?.keyKind &&
      typeof origin === 'string' &&
      !originAllowed(settings.allowedOrigins, origin)
    )
      throw new ForbiddenException(
        `origin ${origin} may not send feedback to this project: add it to the project's feedback settings (allowedOrigins)`,
      );
    const json = Buffer.isBuffer(body) ? jsonOf(body) : body;
    const parsed = parseFeedbackBody(json);
    if (!parsed.ok) throw new BadRequestException(`invalid feedback: ${parsed.message}`);
    const items = checkedAgainst(settings, parsed.items, isBatch(json));
    try {
      return await this.pipeline.feedback.record(projectId, items, sourceOf(request));
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      void reply.header('retry-after', String(RETRY_AFTER_S));
      throw new ServiceUnavailableException(`feedback not stored, retry: ${error.message}`);
    }
  }

  @Get('traces/:traceId/feedback')
  @Access('read')
  async forTrace(
    @Req() request: AuthedRequest,
    @Param('traceId') traceId: string,
  ): Promise<{ items: StoredFeedback[] }> {
    const id = parseOr400(traceIdParamSchema, traceId, 'traceId');
    return { items: await this.pipeline.feedback.listForTrace(projectOf(request), id) };
  }
}

function sourceOf(request: AuthedRequest): FeedbackSource {
  const kind = request.auth?.keyKind;
  return kind === 'public' ? 'public_key' : kind === 'project' ? 'api_key' : 'dashboard';
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'items' in body;
}

/** A JSON body sent under another content type (a browser's text/plain); not JSON is a 400. */
function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequestException('invalid feedback: body: not JSON (send application/json)');
  }
}

/**
 * Each value against its name's configuration (400 naming every wrong item); a boolean name's 1/0 is stored as
 * true/false, so every reader sees thumbs one way.
 */
function checkedAgainst(settings: FeedbackSettings, items: FeedbackInput[], batch: boolean): FeedbackInput[] {
  const configs = new Map(settings.names.map((n) => [n.name, n]));
  const problems: string[] = [];
  const checked = items.map((item, i) => {
    const config = configs.get(item.name);
    const problem = feedbackValueProblem(config, item.value, settings.requireConfiguredNames);
    const field = config || !settings.requireConfiguredNames ? 'value' : 'name';
    if (problem) problems.push(`${batch ? `items[${i}].` : ''}${field}: ${problem}`);
    return config?.type === 'boolean' && typeof item.value === 'number'
      ? { ...item, value: item.value === 1 }
      : item;
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join('; ');
    const more = problems.length > 20 ? `; and ${problems.length - 20} more problems` : '';
    throw new BadRequestException(`invalid feedback: ${shown}${more}`);
  }
  return checked;
}
