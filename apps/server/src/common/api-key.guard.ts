import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Pipeline } from '../composition/pipeline.js';
import { PIPELINE } from './tokens.js';

export type AuthedRequest = FastifyRequest & { projectId?: string };

/** REST calls authenticate with a project API key; the project it names scopes every query. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const projectId = match?.[1] ? await this.pipeline.keys.projectFor(match[1]) : null;
    if (!projectId)
      throw new UnauthorizedException('missing or unknown API key (send Authorization: Bearer <key>)');
    request.projectId = projectId;
    return true;
  }
}

export function projectOf(request: AuthedRequest): string {
  if (!request.projectId) throw new UnauthorizedException('not authenticated');
  return request.projectId;
}
