import {
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
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { StoredTopicModel, TopicAssignment } from '@driftwatch/contracts';
import {
  topicCallsQuerySchema,
  topicIdParamSchema,
  topicListQuerySchema,
  type TopicCall,
  type TopicCallList,
  type TopicDetail,
  type TopicLabels,
  type TopicList,
  type TopicMap,
  type TopicRefit,
} from '@driftwatch/api-schema';
import { Access, AccessGuard, projectOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { requestText } from './topics-job.js';

/**
 * Topics of the project's LLM call requests (fitted by the topics job where the embedder role runs): the list with
 * shares over time and novelty, one topic, novel calls, the 2-D map of the last fit, and a refit for admins.
 */
@Controller('/api/topics')
@UseGuards(AccessGuard)
@Access('read')
export class TopicsController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get()
  async list(@Req() request: AuthedRequest, @Query() query: unknown): Promise<TopicList> {
    const { fromMs, toMs, buckets } = parseOr400(topicListQuerySchema, query, 'query');
    const projectId = projectOf(request);
    const store = this.pipeline.topics.store;
    const model = await store.latestModel(projectId);
    const bucketSeconds = Math.max(60, Math.ceil((toMs - fromMs) / buckets / 1000));
    const activity = await store.activity(projectId, { fromMs, toMs }, bucketSeconds);
    const totalCalls = activity.topics.reduce((n, t) => n + t.calls, 0);
    // Shares from estimated calls: each assigned call weighs its minute's sampling rate (unbiased when sampled).
    const estimatedTotal = activity.topics.reduce((n, t) => n + t.estimatedCalls, 0);
    const byId = new Map(activity.topics.map((t) => [t.topicId, t]));
    const feedback = await this.feedbackByTopic(projectId, fromMs, toMs);
    const topics = (model?.topics ?? []).map((t) => {
      const seen = byId.get(t.id);
      const calls = seen?.calls ?? 0;
      const judged = feedback.get(t.id);
      return {
        id: t.id,
        label: t.label,
        terms: t.terms,
        size: t.size,
        calls,
        estimatedCalls: seen?.estimatedCalls ?? 0,
        share: estimatedTotal ? (seen?.estimatedCalls ?? 0) / estimatedTotal : 0,
        shareOverTime: activity.totals.map((total, i) => (total ? (seen?.buckets[i] ?? 0) / total : null)),
        novelCalls: seen?.novelCalls ?? 0,
        noveltyRate: calls ? (seen?.novelCalls ?? 0) / calls : 0,
        topModels: (seen?.models ?? []).slice(0, 3),
        judgedTraces: judged?.judged ?? 0,
        negativeFeedbackRate: judged?.judged ? judged.negative / judged.judged : null,
      };
    });
    topics.sort((a, b) => b.calls - a.calls || b.size - a.size);
    return {
      model: model ? modelInfo(model) : null,
      bucketStarts: activity.bucketStartsMs.map((ms) => new Date(ms).toISOString()),
      totalCalls,
      novelCalls: activity.topics.reduce((n, t) => n + t.novelCalls, 0),
      topics,
    };
  }

  /** The latest model's topic names (the traces page's filter and column): no activity or feedback is read. */
  @Get('labels')
  async labels(@Req() request: AuthedRequest): Promise<TopicLabels> {
    const model = await this.pipeline.topics.store.latestModel(projectOf(request));
    return {
      model: model ? modelInfo(model) : null,
      topics: (model?.topics ?? []).map((t) => ({ id: t.id, label: t.label })),
    };
  }

  /** End users' judgements of the window's traces, per topic of the trace's request (the one negativity rule). */
  private async feedbackByTopic(projectId: string, fromMs: number, toMs: number) {
    const judged = [...(await this.pipeline.feedback.byTrace(projectId, { fromMs, toMs }))].filter(
      ([, f]) => f.negativeFeedback !== null,
    );
    const topicOf = await this.pipeline.topics.store.topicsOfTraces(
      projectId,
      judged.map(([traceId]) => traceId),
    );
    const byTopic = new Map<string, { judged: number; negative: number }>();
    for (const [traceId, f] of judged) {
      const topicId = topicOf.get(traceId);
      if (!topicId) continue;
      const counts = byTopic.get(topicId) ?? { judged: 0, negative: 0 };
      counts.judged += 1;
      if (f.negativeFeedback) counts.negative += 1;
      byTopic.set(topicId, counts);
    }
    return byTopic;
  }

  @Get('map')
  async map(@Req() request: AuthedRequest): Promise<TopicMap> {
    const model = await this.pipeline.topics.store.latestModel(projectOf(request));
    if (!model) return { model: null, topics: [], points: [] };
    const labels = new Map(model.topics.map((t) => [t.id, t.label]));
    return {
      model: modelInfo(model),
      topics: model.map.centroids.map((c) => ({
        id: c.topicId,
        label: labels.get(c.topicId) ?? c.topicId,
        x: c.x,
        y: c.y,
      })),
      points: model.map.points,
    };
  }

  @Get('novel')
  async novel(@Req() request: AuthedRequest, @Query() query: unknown): Promise<TopicCallList> {
    const { fromMs, toMs, limit } = parseOr400(topicCallsQuerySchema, query, 'query');
    const projectId = projectOf(request);
    const found = await this.pipeline.topics.store.assignments(
      projectId,
      { fromMs, toMs },
      { novel: true, limit },
    );
    return { items: await this.withTexts(projectId, found) };
  }

  @Post('refit')
  @HttpCode(200)
  @Access('admin')
  async refit(@Req() request: AuthedRequest): Promise<TopicRefit> {
    const job = this.pipeline.topics.job;
    if (!job)
      throw new ServiceUnavailableException(
        'topics are fitted where the embedder role runs with embeddings on; not in this process',
      );
    const result = await job.refit(projectOf(request));
    if (!result.fitted) throw new ConflictException(`topics not fitted: ${result.reason}`);
    return { version: result.version, topics: result.topics, calls: result.calls };
  }

  @Get(':topicId')
  async get(
    @Req() request: AuthedRequest,
    @Param('topicId') topicId: string,
    @Query() query: unknown,
  ): Promise<TopicDetail> {
    const id = parseOr400(topicIdParamSchema, topicId, 'topicId');
    const { fromMs, toMs, limit } = parseOr400(topicCallsQuerySchema, query, 'query');
    const projectId = projectOf(request);
    const store = this.pipeline.topics.store;
    const model = await store.latestModel(projectId);
    const topic = model?.topics.find((t) => t.id === id);
    if (!model || !topic) throw new NotFoundException(`topic ${id} is not in this project's latest model`);
    const window = { fromMs, toMs };
    const [calls, breakdown, lineage] = await Promise.all([
      store.assignments(projectId, window, { topicId: id, limit }),
      store.breakdown(projectId, id, window),
      store.lineage(projectId, 500),
    ]);
    return {
      model: modelInfo(model),
      topic: { id: topic.id, label: topic.label, terms: topic.terms, size: topic.size, radius: topic.radius },
      examples: topic.examples,
      calls: await this.withTexts(projectId, calls),
      byModel: breakdown.models,
      byRelease: breakdown.releases,
      lineage: lineage.filter((e) => e.from.includes(id) || e.into.includes(id)).slice(0, 50),
    };
  }

  private async withTexts(projectId: string, found: readonly TopicAssignment[]): Promise<TopicCall[]> {
    const messages = await this.pipeline.topics.store.callMessages(projectId, found);
    return found.map((a) => ({
      traceId: a.traceId,
      spanId: a.spanId,
      time: new Date(a.timeMs).toISOString(),
      model: a.model,
      release: a.release,
      topicId: a.topicId,
      distance: a.distance,
      novelty: a.novelty,
      novel: a.novel,
      text: requestText(messages.get(a.spanId)),
    }));
  }
}

function modelInfo(model: StoredTopicModel): TopicDetail['model'] {
  return {
    version: model.version,
    fittedAt: new Date(model.fittedAtMs).toISOString(),
    windowFrom: new Date(model.windowFromMs).toISOString(),
    windowTo: new Date(model.windowToMs).toISOString(),
    sampleSize: model.sampleSize,
  };
}
