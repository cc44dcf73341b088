import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type {
  Judgement,
  JudgementInput,
  QueueProgress,
  ReviewItem,
  ReviewQueue,
  Rubric,
  StoredUser,
  TraceDetail,
  TraceListQuery,
} from '@driftwatch/contracts';
import {
  addQueueItemsRequestSchema,
  createQueueRequestSchema,
  feedbackValueProblem,
  fillQueueRequestSchema,
  judgementRequestSchema,
  queueItemsQuerySchema,
  rubricSchema,
} from '@driftwatch/api-schema';
import { Access, AccessGuard, projectOf, userOf, type AuthedRequest } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { queueAgreement, type Agreement } from './agreement.js';

/** Judgements read for agreement: bounded, so a huge queue cannot exhaust memory (agreement is over the first). */
const MAX_AGREEMENT_JUDGEMENTS = 100_000;
const FILL_PAGE = 500;

type QueueView = ReviewQueue & { progress: QueueProgress };

/**
 * Review queues: admins define queues (and the rubric), members fill them by hand or by the queue's rule, take the
 * next item and judge it; viewers read queues, items, judgements and agreement.
 */
@Controller('/api/review-queues')
@UseGuards(AccessGuard)
export class ReviewQueuesController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get()
  @Access('read')
  async list(@Req() request: AuthedRequest): Promise<{ items: QueueView[] }> {
    const queues = await this.pipeline.review.listQueues(projectOf(request));
    return {
      items: await Promise.all(
        queues.map(async (q) => ({ ...q, progress: await this.pipeline.review.progress(q) })),
      ),
    };
  }

  @Post()
  @Access('admin')
  async create(@Req() request: AuthedRequest, @Body() body: unknown): Promise<QueueView> {
    const { items, ...input } = parseOr400(createQueueRequestSchema, body, 'body');
    const queue: ReviewQueue = {
      ...input,
      queueId: `q_${randomBytes(8).toString('hex')}`,
      projectId: projectOf(request),
      createdAt: new Date().toISOString(),
      createdBy: userOf(request).userId,
    };
    await this.pipeline.review.createQueue(queue);
    if (items.length > 0) await this.pipeline.review.addItems(queue, items, queue.createdBy);
    return { ...queue, progress: await this.pipeline.review.progress(queue) };
  }

  @Get(':queueId')
  @Access('read')
  async get(@Req() request: AuthedRequest, @Param('queueId') queueId: string): Promise<QueueView> {
    const queue = await this.queue(request, queueId);
    return { ...queue, progress: await this.pipeline.review.progress(queue) };
  }

  @Post(':queueId/items')
  @HttpCode(200)
  @Access('annotate')
  async add(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
    @Body() body: unknown,
  ): Promise<{ added: number; itemIds: string[] }> {
    const { items } = parseOr400(addQueueItemsRequestSchema, body, 'body');
    const queue = await this.queue(request, queueId);
    return this.pipeline.review.addItems(queue, items, userOf(request).userId);
  }

  /** Runs the queue's rule over a time range; items already in the queue are not added again. */
  @Post(':queueId/fill')
  @HttpCode(200)
  @Access('annotate')
  async fill(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
    @Body() body: unknown,
  ): Promise<{ matched: number; added: number }> {
    const range = parseOr400(fillQueueRequestSchema, body ?? {}, 'body');
    const queue = await this.queue(request, queueId);
    const traceIds = await this.ruleTraces(queue, range);
    const { added } = await this.pipeline.review.addItems(
      queue,
      traceIds.map((traceId) => ({ traceId })),
      userOf(request).userId,
    );
    return { matched: traceIds.length, added };
  }

  @Get(':queueId/items')
  @Access('read')
  async items(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
    @Query() query: unknown,
  ): Promise<{ items: ReviewItem[] }> {
    const options = parseOr400(queueItemsQuerySchema, query, 'query');
    const queue = await this.queue(request, queueId);
    return { items: await this.pipeline.review.listItems(queue.projectId, queue.queueId, options) };
  }

  /** The caller's held item, else a free one claimed for them (claim queues); 204 when nothing is left. */
  @Post(':queueId/next')
  @HttpCode(200)
  @Access('annotate')
  async next(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ item: ReviewItem; trace: TraceDetail | null } | undefined> {
    const queue = await this.queue(request, queueId);
    const user = this.reviewer(request, queue);
    const item = await this.pipeline.review.next(queue, user.userId, Date.now());
    if (!item) {
      void reply.status(204);
      return undefined;
    }
    return { item, trace: await this.pipeline.reader.getTrace(queue.projectId, item.traceId) };
  }

  /** The caller's judgement of an item: stored once however often it is sent; sending another replaces it. */
  @Put(':queueId/items/:itemId/judgement')
  @Access('annotate')
  async judge(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
    @Param('itemId') itemId: string,
    @Body() body: unknown,
  ): Promise<{ judgement: Judgement; changed: boolean; item: ReviewItem }> {
    const input = parseOr400(judgementRequestSchema, body, 'body');
    const queue = await this.queue(request, queueId);
    const user = this.reviewer(request, queue);
    if (!(await this.pipeline.review.getItem(queue.projectId, queue.queueId, itemId)))
      throw new NotFoundException(`no item ${itemId} in queue ${queueId}`);
    const checked = checkedAgainstRubric(await this.pipeline.review.getRubric(queue.projectId), input);
    const result = await this.pipeline.review.judge(queue, itemId, user.userId, checked);
    const item = await this.pipeline.review.getItem(queue.projectId, queue.queueId, itemId);
    return { ...result, item: item as ReviewItem };
  }

  @Get(':queueId/judgements')
  @Access('read')
  async judgements(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
  ): Promise<{ items: Judgement[] }> {
    const queue = await this.queue(request, queueId);
    return { items: await this.pipeline.review.judgements(queue.projectId, queue.queueId, 10_000) };
  }

  /** Cohen's kappa between reviewers who judged the same items, on the label and categorical criteria. */
  @Get(':queueId/agreement')
  @Access('read')
  async agreement(
    @Req() request: AuthedRequest,
    @Param('queueId') queueId: string,
  ): Promise<{ label: Agreement; criteria: Record<string, Agreement> }> {
    const queue = await this.queue(request, queueId);
    const judgements = await this.pipeline.review.judgements(
      queue.projectId,
      queue.queueId,
      MAX_AGREEMENT_JUDGEMENTS,
    );
    return queueAgreement(judgements, await this.pipeline.review.getRubric(queue.projectId));
  }

  private async queue(request: AuthedRequest, queueId: string): Promise<ReviewQueue> {
    if (!/^q_[0-9a-f]{16}$/.test(queueId)) throw new NotFoundException(`no review queue ${queueId}`);
    const queue = await this.pipeline.review.getQueue(projectOf(request), queueId);
    if (!queue) throw new NotFoundException(`no review queue ${queueId} in this project`);
    return queue;
  }

  /** A queue with named reviewers is reviewed by them (and admins). */
  private reviewer(request: AuthedRequest, queue: ReviewQueue): StoredUser {
    const user = userOf(request);
    if (queue.reviewers.length > 0 && !queue.reviewers.includes(user.userId) && user.role !== 'admin')
      throw new ForbiddenException('you are not a reviewer of this queue');
    return user;
  }

  private async ruleTraces(queue: ReviewQueue, range: { fromMs: number; toMs: number; limit: number }) {
    const { rule } = queue;
    if (rule.kind === 'manual')
      throw new BadRequestException('this queue is filled by hand (its rule is manual)');
    if (rule.kind === 'sample')
      return this.pipeline.review.sampleTraces(
        queue.projectId,
        range.fromMs,
        range.toMs,
        rule.rate,
        range.limit,
      );
    if (rule.kind === 'novel_calls') {
      const novel = await this.pipeline.topics.store.assignments(
        queue.projectId,
        { fromMs: range.fromMs, toMs: range.toMs },
        { novel: true, limit: range.limit },
      );
      return [...new Set(novel.map((a) => a.traceId))];
    }
    const filter = rule.kind === 'negative_feedback' ? { feedback: 'negative' as const } : rule.filter;
    const traceIds: string[] = [];
    let cursor: string | undefined;
    do {
      const query: TraceListQuery = {
        ...filter,
        fromMs: range.fromMs,
        toMs: range.toMs,
        sort: 'startTime',
        order: 'asc',
        limit: Math.min(FILL_PAGE, range.limit - traceIds.length),
        ...(cursor ? { cursor } : {}),
      };
      const page = await this.pipeline.reader.listTraces(queue.projectId, query);
      traceIds.push(...page.items.map((t) => t.traceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && traceIds.length < range.limit);
    return traceIds;
  }
}

/**
 * Scores against the rubric's criteria (a criterion not in the rubric, a value of the wrong type or out of range is
 * a 400 naming `scores.<name>`), the label against its labels; a boolean criterion's 1/0 is stored as true/false.
 */
function checkedAgainstRubric(rubric: Rubric, input: JudgementInput): JudgementInput {
  const criteria = new Map(rubric.criteria.map((c) => [c.name, c]));
  const problems: string[] = [];
  const scores: JudgementInput['scores'] = {};
  for (const [name, value] of Object.entries(input.scores)) {
    const criterion = criteria.get(name);
    const problem = criterion
      ? feedbackValueProblem(criterion, value, true)
      : "is not a criterion of the project's rubric";
    if (problem) problems.push(`scores.${name}: ${problem}`);
    scores[name] = criterion?.type === 'boolean' && typeof value === 'number' ? value === 1 : value;
  }
  if (input.label && rubric.labels.length > 0 && !rubric.labels.includes(input.label))
    problems.push(`label: "${input.label}" is not one of the rubric's labels (${rubric.labels.join(', ')})`);
  if (input.label && rubric.labels.length === 0) problems.push('label: the rubric defines no labels');
  if (problems.length > 0) throw new BadRequestException(`invalid body: ${problems.join('; ')}`);
  return { ...input, scores };
}

/** The project's rubric: members read it, admins replace it. */
@Controller('/api/projects/:id/rubric')
@UseGuards(AccessGuard)
export class RubricController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get()
  @Access('read', 'param')
  async get(@Param('id') id: string): Promise<Rubric> {
    await this.existing(id);
    return this.pipeline.review.getRubric(id);
  }

  @Put()
  @Access('admin', 'param')
  async replace(@Param('id') id: string, @Body() body: unknown): Promise<Rubric> {
    const rubric = parseOr400(rubricSchema, body, 'body');
    await this.existing(id);
    await this.pipeline.review.saveRubric(id, rubric);
    return rubric;
  }

  private async existing(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}
