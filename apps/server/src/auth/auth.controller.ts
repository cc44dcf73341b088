import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loginRequestSchema, type MeResponse } from '@driftwatch/api-schema';
import type { StoredUser } from '@driftwatch/contracts';
import { parseOr400 } from '../common/validation.js';
import { Access, AccessGuard, userOf, type AuthedRequest } from './access.guard.js';
import { AUTH, type AuthServices } from './auth.constants.js';
import { clientAddress } from './client-address.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import { clearSessionCookie, sessionToken, setSessionCookie } from './session-cookie.js';
import { userView } from './views.js';

@Controller('/api/auth')
export class AuthController {
  constructor(@Inject(AUTH) private readonly auth: AuthServices) {}

  @Post('login')
  @HttpCode(200)
  async login(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<MeResponse> {
    const { email, password } = parseOr400(loginRequestSchema, body, 'body');
    const address = clientAddress(request, this.auth.proxySecret);
    const wait = this.auth.limiter.retryAfterSeconds(email, address);
    if (wait > 0) tooMany(reply, wait, `too many failed sign-ins; try again in ${wait} s`);
    const user = this.auth.users.findByEmail(email);
    // Verify even for an unknown email (against a hash no password matches), so timing does not tell which
    // emails exist; that costs a hash like any attempt, so it is inside the global budget too.
    const verified = await this.auth.hashBudget.run(() =>
      verifyPassword(password, user?.passwordHash ?? DUMMY_HASH),
    );
    if (!verified.ok)
      tooMany(reply, verified.retryAfterS, 'too many sign-ins on this server right now; try again shortly');
    if (!user || !verified.value || user.disabled) {
      this.auth.limiter.recordFailure(email, address);
      throw new UnauthorizedException('wrong email or password');
    }
    this.auth.limiter.recordSuccess(email, address);
    const token = await this.auth.users.createSession(user.userId, this.auth.sessionTtlMs);
    setSessionCookie(request, reply, token, Math.floor(this.auth.sessionTtlMs / 1000));
    return this.me(user);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const token = sessionToken(request);
    if (token) await this.auth.users.revokeSession(token);
    clearSessionCookie(request, reply);
  }

  @Get('me')
  @UseGuards(AccessGuard)
  @Access('signedIn', 'none')
  async whoami(@Req() request: AuthedRequest): Promise<MeResponse> {
    return this.me(userOf(request));
  }

  private async me(user: StoredUser): Promise<MeResponse> {
    const all = await this.auth.projects.listProjects();
    const visible = user.role === 'admin' ? all : all.filter((p) => user.projects.includes(p.projectId));
    return {
      user: userView(user),
      role: user.role,
      projects: visible.map((p) => ({ id: p.projectId, name: p.name })),
    };
  }
}

function tooMany(reply: FastifyReply, retryAfterS: number, message: string): never {
  void reply.header('retry-after', String(retryAfterS));
  throw new HttpException(message, HttpStatus.TOO_MANY_REQUESTS);
}
