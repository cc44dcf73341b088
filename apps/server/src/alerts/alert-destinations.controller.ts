import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import {
  alertDeliveryQuerySchema,
  alertDestinationIdParamSchema,
  createAlertDestinationRequestSchema,
  updateAlertDestinationRequestSchema,
  type AlertDelivery,
  type AlertDestinationView,
  type CreatedAlertDestination,
} from '@driftwatch/api-schema';
import type { AlertDestinationInfo, AlertDestinationStore } from '@driftwatch/contracts';
import { newWebhookSecret, RefusedDestinationError } from '@driftwatch/alerts';
import { Access, AccessGuard } from '../auth/access.guard.js';
import { AUTH, type AuthServices } from '../auth/auth.constants.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { testMessage } from './test-message.js';

/**
 * Alert destinations of a project. Reading needs membership; adding, removing and test messages the admin
 * role. URLs and signing secrets are never returned after creation (the secret once, in the create answer).
 */
@Controller('/api/projects/:id/alert-destinations')
@UseGuards(AccessGuard)
export class AlertDestinationsController {
  constructor(
    @Inject(PIPELINE) private readonly pipeline: Pipeline,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  @Get()
  @Access('read', 'param')
  async list(@Param('id') id: string): Promise<{ items: AlertDestinationView[] }> {
    await this.project(id);
    return { items: (await this.store().list(id)).map(view) };
  }

  @Post()
  @Access('admin', 'param')
  async create(@Param('id') id: string, @Body() body: unknown): Promise<CreatedAlertDestination> {
    const input = parseOr400(createAlertDestinationRequestSchema, body, 'body');
    await this.project(id);
    try {
      await this.pipeline.alerts.guard.resolve(new URL(input.url));
    } catch (error) {
      // A name that does not resolve yet is accepted (every send checks again); a refused address is not.
      if (error instanceof RefusedDestinationError)
        throw new BadRequestException(`invalid url: ${error.message}`);
    }
    const signingSecret = input.kind === 'webhook' ? newWebhookSecret(randomBytes) : '';
    const created = await this.store().create({ projectId: id, ...input, signingSecret });
    return { ...view(created), ...(signingSecret ? { signingSecret } : {}) };
  }

  @Delete(':destinationId')
  @Access('admin', 'param')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Param('destinationId') destinationId: string): Promise<void> {
    const valid = parseOr400(alertDestinationIdParamSchema, destinationId, 'destinationId');
    if (!(await this.store().remove(id, valid)))
      throw new NotFoundException(`no destination ${valid} in ${id}`);
  }

  /** Disabling keeps the destination and its log; what comes due meanwhile is logged as not sent. */
  @Patch(':destinationId')
  @Access('admin', 'param')
  async update(
    @Param('id') id: string,
    @Param('destinationId') destinationId: string,
    @Body() body: unknown,
  ): Promise<AlertDestinationView> {
    const { enabled } = parseOr400(updateAlertDestinationRequestSchema, body, 'body');
    const destination = await this.destination(id, destinationId);
    await this.store().setEnabled(id, destination.destinationId, enabled);
    return view({ ...destination, enabled });
  }

  @Post(':destinationId/test')
  @Access('admin', 'param')
  @HttpCode(202)
  async test(
    @Param('id') id: string,
    @Param('destinationId') destinationId: string,
  ): Promise<{ notificationId: string }> {
    const destination = await this.destination(id, destinationId);
    const notificationId = `msg_${randomBytes(16).toString('base64url')}`;
    // Recorded before it is sent: the notifier delivers it, also after a crash or restart.
    await this.pipeline.alerts.outbox.enqueue({
      notificationId,
      projectId: id,
      destinationId: destination.destinationId,
      message: testMessage(destination.name, id),
      createdAt: new Date().toISOString(),
    });
    this.pipeline.alerts.wake();
    return { notificationId };
  }

  @Get(':destinationId/deliveries')
  @Access('read', 'param')
  async deliveries(
    @Param('id') id: string,
    @Param('destinationId') destinationId: string,
    @Query() query: unknown,
  ): Promise<{ items: AlertDelivery[] }> {
    const { limit } = parseOr400(alertDeliveryQuerySchema, query, 'query');
    const destination = await this.destination(id, destinationId);
    const tries = await this.pipeline.alerts.outbox.deliveries(id, destination.destinationId, limit);
    return { items: tries.map(({ destinationId: _d, ...rest }) => rest) };
  }

  private async destination(projectId: string, destinationId: string): Promise<AlertDestinationInfo> {
    const valid = parseOr400(alertDestinationIdParamSchema, destinationId, 'destinationId');
    await this.project(projectId);
    const found = (await this.store().list(projectId)).find((d) => d.destinationId === valid);
    if (!found) throw new NotFoundException(`no destination ${valid} in ${projectId}`);
    return found;
  }

  private async project(id: string): Promise<void> {
    if (!(await this.auth.projects.getProject(id))) throw new NotFoundException(`no project ${id}`);
  }

  private store(): AlertDestinationStore {
    const store = this.pipeline.alerts.destinations;
    if (!store)
      throw new ServiceUnavailableException(
        'alert destinations need DRIFTWATCH_SECRET_KEY (32 bytes, e.g. openssl rand -hex 32) on every server process',
      );
    return store;
  }
}

function view(d: AlertDestinationInfo): AlertDestinationView {
  return {
    id: d.destinationId,
    name: d.name,
    kind: d.kind,
    urlHint: d.urlHint,
    enabled: d.enabled,
    createdAt: d.createdAt,
  };
}
