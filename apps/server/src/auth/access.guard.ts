import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyKind, StoredUser, UserRole } from '@driftwatch/contracts';
import { AUTH, PROJECT_HEADER, type AuthServices } from './auth.constants.js';
import { sessionToken } from './session-cookie.js';

/**
 * read: viewers and up; annotate: members and up; admin: admins; signedIn: any user, no project;
 * feedback: members and up, project keys, and public keys (the only level a public key passes).
 */
export type AccessLevel = 'read' | 'annotate' | 'admin' | 'signedIn' | 'feedback';
/** Where the project comes from: header or ?project= ("request"), the :id path parameter, or none. */
export type ProjectSource = 'request' | 'param' | 'none';
interface AccessRule {
  level: AccessLevel;
  project: ProjectSource;
}

const ACCESS_RULE = 'driftwatch:access';
const RANK: Record<UserRole, number> = { viewer: 1, member: 2, admin: 3 };
const NEEDED: Record<AccessLevel, number> = { signedIn: 1, read: 1, annotate: 2, admin: 3, feedback: 2 };

/** Declares who may call a route; a route guarded without a rule is refused (fail closed). */
export const Access = (level: AccessLevel, project: ProjectSource = 'request') =>
  SetMetadata(ACCESS_RULE, { level, project } satisfies AccessRule);

export type AuthedRequest = FastifyRequest & {
  auth?: { user: StoredUser | null; projectId: string | null; keyKind?: ApiKeyKind };
};

/**
 * Accepts a dashboard session (cookie) or a project API key (Bearer, which only reads its own project), then
 * checks the route's role and the project against the user's memberships (admins see every project).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUTH) private readonly auth: AuthServices,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) throw new ForbiddenException('this route declares no access rule');
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const asked = requestedProject(request, rule.project);
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer) {
      const key = await this.auth.keys.resolveKey(bearer);
      if (!key)
        throw new UnauthorizedException('missing or unknown API key (send Authorization: Bearer <key>)');
      if (key.kind === 'public' && rule.level !== 'feedback')
        throw new ForbiddenException(
          'a public key (dwpk_) can only send feedback (POST /api/feedback); use a project key or sign in',
        );
      if ((rule.level !== 'read' && rule.level !== 'feedback') || rule.project === 'none')
        throw new ForbiddenException(
          'a project API key can only read its project and send feedback; sign in for this',
        );
      if (asked && asked !== key.projectId)
        throw new ForbiddenException('this API key belongs to another project');
      request.auth = { user: null, projectId: key.projectId, keyKind: key.kind };
      return true;
    }
    const token = sessionToken(request);
    const user = token ? await this.auth.users.userForSession(token) : null;
    if (!user) throw new UnauthorizedException('sign in or send Authorization: Bearer <project API key>');
    if (RANK[user.role] < NEEDED[rule.level])
      throw new ForbiddenException(`your role (${user.role}) cannot do this`);
    if (rule.project === 'none') {
      request.auth = { user, projectId: null };
      return true;
    }
    const projectId = asked ?? (user.role === 'admin' ? 'default' : (user.projects[0] ?? null));
    if (!projectId) throw new ForbiddenException('you are not a member of any project');
    if (user.role !== 'admin' && !user.projects.includes(projectId))
      throw new ForbiddenException('you are not a member of this project');
    request.auth = { user, projectId };
    return true;
  }
}

function requestedProject(request: FastifyRequest, source: ProjectSource): string | null {
  if (source === 'param') return (request.params as Record<string, string> | undefined)?.id ?? null;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = typeof query?.project === 'string' ? query.project : null;
  // The REST query schemas are strict; the project is the guard's business, not the handler's.
  if (query && 'project' in query) delete query.project;
  const header = request.headers[PROJECT_HEADER];
  return (typeof header === 'string' && header) || fromQuery || null;
}

export function projectOf(request: AuthedRequest): string {
  const projectId = request.auth?.projectId;
  if (!projectId) throw new UnauthorizedException('not authenticated');
  return projectId;
}

export function userOf(request: AuthedRequest): StoredUser {
  const user = request.auth?.user;
  if (!user) throw new UnauthorizedException('not signed in');
  return user;
}
