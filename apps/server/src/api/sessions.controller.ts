import { Controller, Get, Inject, NotFoundException, Param, Query, Req, UseGuards } from '@nestjs/common';
import {
  groupIdParamSchema,
  groupListQuerySchema,
  groupRangeQuerySchema,
  type EndUserDetail,
  type SessionDetail,
} from '@driftwatch/api-schema';
import type { EndUserSummary, GroupPage, SessionSummary } from '@driftwatch/contracts';
import { Access, AccessGuard, projectOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';

/** Sessions (traces sharing a session.id) and end users (user.id) of the caller's project, with totals. */
@Controller('/api')
@UseGuards(AccessGuard)
@Access('read')
export class SessionsController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get('sessions')
  listSessions(@Req() request: AuthedRequest, @Query() query: unknown): Promise<GroupPage<SessionSummary>> {
    return this.pipeline.sessions.listSessions(
      projectOf(request),
      parseOr400(groupListQuerySchema, query, 'query'),
    );
  }

  @Get('sessions/:sessionId')
  async session(
    @Req() request: AuthedRequest,
    @Param('sessionId') sessionId: string,
    @Query() query: unknown,
  ): Promise<SessionDetail> {
    const id = parseOr400(groupIdParamSchema, sessionId, 'sessionId');
    const { fromMs, toMs, limit, offset } = parseOr400(groupRangeQuerySchema, query, 'query');
    const projectId = projectOf(request);
    const [session, turns] = await Promise.all([
      this.pipeline.sessions.sessionTotals(projectId, id, fromMs, toMs),
      this.pipeline.sessions.sessionTurns(projectId, id, { fromMs, toMs, limit, offset }),
    ]);
    if (!session)
      throw new NotFoundException(`no traces of session ${id} in this project in that time range`);
    return { session, turns: turns.items, turnTotal: turns.total, offset };
  }

  @Get('end-users')
  listEndUsers(@Req() request: AuthedRequest, @Query() query: unknown): Promise<GroupPage<EndUserSummary>> {
    return this.pipeline.sessions.listEndUsers(
      projectOf(request),
      parseOr400(groupListQuerySchema, query, 'query'),
    );
  }

  @Get('end-users/:userId')
  async endUser(
    @Req() request: AuthedRequest,
    @Param('userId') userId: string,
    @Query() query: unknown,
  ): Promise<EndUserDetail> {
    const id = parseOr400(groupIdParamSchema, userId, 'userId');
    const { fromMs, toMs, limit, offset } = parseOr400(groupRangeQuerySchema, query, 'query');
    const projectId = projectOf(request);
    const [user, sessions] = await Promise.all([
      this.pipeline.sessions.endUserTotals(projectId, id, fromMs, toMs),
      this.pipeline.sessions.listSessions(projectId, {
        fromMs,
        toMs,
        userId: id,
        sort: 'lastSeen',
        order: 'desc',
        limit,
        offset,
      }),
    ]);
    if (!user) throw new NotFoundException(`no traces of user ${id} in this project in that time range`);
    return { user, sessions };
  }
}
