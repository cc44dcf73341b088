import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  detectionRunListQuerySchema,
  detectorSettingsRequestSchema,
  type DetectionRunView,
  type DetectionWindowResult,
  type DetectorSettingsView,
  MAX_BACKFILL_WINDOWS,
  runDetectorsRequestSchema,
} from '@driftwatch/api-schema';
import { Access, AccessGuard, projectOf, userOf, type AuthedRequest } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { ProjectBusyError, type WindowResult, windowsIn } from './detection-runner.js';
import { settingsView } from './views.js';

/**
 * Detector settings per project (read: members; change: admins) and detection on demand over a past range
 * (admins). /api/detectors/settings is the same as /api/projects/{id}/detectors for the request's project.
 */
@Controller()
@UseGuards(AccessGuard)
export class DetectorsController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get('/api/projects/:id/detectors')
  @Access('read', 'param')
  async settings(@Param('id') id: string): Promise<DetectorSettingsView> {
    await this.project(id);
    return settingsView(await this.pipeline.detection.runner.settingsFor(id));
  }

  @Put('/api/projects/:id/detectors')
  @Access('admin', 'param')
  async replace(
    @Req() request: AuthedRequest,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<DetectorSettingsView> {
    const settings = parseOr400(detectorSettingsRequestSchema, body, 'body');
    await this.project(id);
    await this.pipeline.detection.settings.put(id, settings, userOf(request).email);
    return settingsView(settings);
  }

  @Get('/api/detectors/settings')
  @Access('read')
  requestSettings(@Req() request: AuthedRequest): Promise<DetectorSettingsView> {
    return this.settings(projectOf(request));
  }

  @Put('/api/detectors/settings')
  @Access('admin')
  replaceRequestSettings(
    @Req() request: AuthedRequest,
    @Body() body: unknown,
  ): Promise<DetectorSettingsView> {
    return this.replace(request, projectOf(request), body);
  }

  /** What the runners did lately: failures with their reason, and the checks that lacked data. */
  @Get('/api/detectors/runs')
  @Access('read')
  async runs(@Req() request: AuthedRequest, @Query() query: unknown): Promise<{ items: DetectionRunView[] }> {
    const { limit } = parseOr400(detectionRunListQuerySchema, query, 'query');
    const runs = await this.pipeline.detection.ledger.recentRuns(projectOf(request), limit);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      items: runs.map((r) => ({
        from: iso(r.window.fromMs),
        to: iso(r.window.toMs),
        runner: r.runner,
        startedAt: iso(r.startedAt),
        finishedAt: iso(r.finishedAt),
        outcome: r.outcome,
        error: r.error,
        findings: r.findings,
        skipped: r.skipped,
      })),
    };
  }

  /** Runs every whole window of [from, to) that has ended, synchronously; bounded to MAX_BACKFILL_WINDOWS. */
  @Post('/api/detectors/run')
  @Access('admin')
  @HttpCode(200)
  async run(
    @Req() request: AuthedRequest,
    @Body() body: unknown,
  ): Promise<{ windowMs: number; windows: DetectionWindowResult[] }> {
    const input = parseOr400(runDetectorsRequestSchema, body, 'body');
    const projectId = projectOf(request);
    await this.project(projectId);
    const runner = this.pipeline.detection.runner;
    const { windowMs } = await runner.settingsFor(projectId);
    const windows = windowsIn(input.from, Math.min(input.to, Date.now()), windowMs);
    if (windows.length === 0)
      throw new BadRequestException(
        `invalid body: [from, to) holds no whole window of ${windowMs} ms that has ended (windows start at multiples of the window length)`,
      );
    if (windows.length > MAX_BACKFILL_WINDOWS)
      throw new BadRequestException(
        `invalid body: [from, to) holds ${windows.length} windows of ${windowMs} ms; at most ${MAX_BACKFILL_WINDOWS} per request (split the range)`,
      );
    try {
      const results = await runner.backfill(projectId, windows, input.rerun);
      return { windowMs, windows: results.map(resultView) };
    } catch (error) {
      if (error instanceof ProjectBusyError) throw new ConflictException(error.message);
      throw error;
    }
  }

  private async project(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}

function resultView(r: WindowResult): DetectionWindowResult {
  return {
    from: new Date(r.window.fromMs).toISOString(),
    to: new Date(r.window.toMs).toISOString(),
    outcome: r.outcome,
    findings: r.findings,
    problems: r.problems,
    skipped: r.skipped,
    ...(r.error ? { error: r.error } : {}),
  };
}
