import { Body, Controller, Get, Inject, NotFoundException, Param, Put, UseGuards } from '@nestjs/common';
import type { FeedbackSettings } from '@driftwatch/contracts';
import { feedbackSettingsSchema } from '@driftwatch/api-schema';
import { Access, AccessGuard } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';

/**
 * A project's feedback settings: browser origins allowed to post feedback, and how each feedback name is typed
 * and judged (negative below a threshold, negative labels). Readers of the project see them; admins replace them.
 */
@Controller('/api/projects/:id/feedback-settings')
@UseGuards(AccessGuard)
export class FeedbackSettingsController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get()
  @Access('read', 'param')
  async get(@Param('id') id: string): Promise<FeedbackSettings> {
    await this.existing(id);
    return this.pipeline.feedbackSettings.get(id);
  }

  @Put()
  @Access('admin', 'param')
  async replace(@Param('id') id: string, @Body() body: unknown): Promise<FeedbackSettings> {
    const settings = parseOr400(feedbackSettingsSchema, body, 'body');
    await this.existing(id);
    await this.pipeline.feedbackSettings.replace(id, settings);
    return settings;
  }

  private async existing(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }
}
