import { Controller, Get, Inject, NotFoundException, Param, Req, UseGuards } from '@nestjs/common';
import { problemIdParamSchema, type ProblemNotificationView } from '@driftwatch/api-schema';
import type { AlertDestinationInfo } from '@driftwatch/contracts';
import { Access, AccessGuard, projectOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { problemSubject } from './problem-router.js';

/** More than routes x destinations x (opened, resolved, reminders) of any real problem. */
const LIMIT = 500;

/**
 * Where a problem of the request's project was sent: every notification recorded for it, with its destination's
 * name and kind (never the URL or secret) and how its delivery went. Viewers may read it.
 */
@Controller('/api/problems')
@UseGuards(AccessGuard)
export class ProblemNotificationsController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get(':problemId/notifications')
  @Access('read')
  async list(
    @Req() request: AuthedRequest,
    @Param('problemId') problemId: string,
  ): Promise<{ items: ProblemNotificationView[] }> {
    const id = parseOr400(problemIdParamSchema, problemId, 'problemId');
    const projectId = projectOf(request);
    if (!(await this.pipeline.detection.problems.get(projectId, id)))
      throw new NotFoundException(`no problem ${id} in this project`);
    const { outbox, destinations } = this.pipeline.alerts;
    const [sent, known] = await Promise.all([
      outbox.forSubject(projectId, problemSubject(id), LIMIT),
      // Without the secret key nothing was sent, but the names are still worth showing: none then.
      destinations ? destinations.list(projectId) : Promise.resolve([] as AlertDestinationInfo[]),
    ]);
    const byId = new Map(known.map((d) => [d.destinationId, d]));
    return {
      items: sent.map((n) => {
        const destination = byId.get(n.destinationId);
        return {
          notificationId: n.notificationId,
          destinationId: n.destinationId,
          destinationName: destination?.name ?? null,
          destinationKind: destination?.kind ?? null,
          transition: n.transition,
          recordedAt: n.createdAt,
          state: n.state,
          attempts: n.attempts,
          lastStatusCode: n.lastStatusCode,
          lastAttemptAt: n.lastAttemptAt,
        };
      }),
    };
  }
}
