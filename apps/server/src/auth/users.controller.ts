import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { createUserRequestSchema, updateUserRequestSchema, type User } from '@driftwatch/api-schema';
import { parseOr400 } from '../common/validation.js';
import { Access, AccessGuard, userOf, type AuthedRequest } from './access.guard.js';
import { AUTH, type AuthServices } from './auth.constants.js';
import { hashPassword } from './password.js';
import { sessionToken } from './session-cookie.js';
import { userView } from './views.js';

/** User administration: admins only. */
@Controller('/api/users')
@UseGuards(AccessGuard)
@Access('admin', 'none')
export class UsersController {
  constructor(@Inject(AUTH) private readonly auth: AuthServices) {}

  @Get()
  list(): { items: User[] } {
    return { items: this.auth.users.list().map(userView) };
  }

  @Post()
  async create(@Body() body: unknown): Promise<User> {
    const input = parseOr400(createUserRequestSchema, body, 'body');
    if (this.auth.users.findByEmail(input.email))
      throw new ConflictException('a user with this email exists');
    const user = await this.auth.users.create({
      email: input.email,
      name: input.name,
      role: input.role,
      projects: input.projects,
      passwordHash: await hashPassword(input.password),
    });
    return userView(user);
  }

  @Patch(':id')
  async update(@Req() request: AuthedRequest, @Param('id') id: string, @Body() body: unknown): Promise<User> {
    const { password, ...patch } = parseOr400(updateUserRequestSchema, body, 'body');
    // An admin cannot lock themselves out; another admin has to do it.
    if (id === userOf(request).userId && ((patch.role && patch.role !== 'admin') || patch.disabled))
      throw new BadRequestException('you cannot demote or disable yourself');
    const changes = password ? { ...patch, passwordHash: await hashPassword(password) } : patch;
    const user = await this.auth.users.update(id, changes);
    if (!user) throw new NotFoundException(`no user ${id}`);
    // A new password ends every other session (a stolen cookie must not outlive it); one's own stays.
    if (password || patch.disabled) {
      const own = id === userOf(request).userId ? sessionToken(request) : null;
      await this.auth.users.revokeSessionsOf(id, own);
    }
    return userView(user);
  }
}
