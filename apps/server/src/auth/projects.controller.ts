import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  apiKeyPrefixParamSchema,
  createApiKeyRequestSchema,
  createProjectRequestSchema,
  updateProjectRequestSchema,
  type ApiKey,
  type CreatedApiKey,
  type Project,
} from '@driftwatch/api-schema';
import { generateApiKey } from '@driftwatch/store-clickhouse';
import { parseOr400 } from '../common/validation.js';
import { Access, AccessGuard, userOf, type AuthedRequest } from './access.guard.js';
import { AUTH, type AuthServices } from './auth.constants.js';
import { apiKeyView, projectView } from './views.js';

/** Projects and their API keys. Reading needs membership; every change needs the admin role. */
@Controller('/api/projects')
@UseGuards(AccessGuard)
export class ProjectsController {
  constructor(@Inject(AUTH) private readonly auth: AuthServices) {}

  @Get()
  @Access('signedIn', 'none')
  async list(@Req() request: AuthedRequest): Promise<{ items: Project[] }> {
    const user = userOf(request);
    const all = await this.auth.projects.listProjects();
    const visible = user.role === 'admin' ? all : all.filter((p) => user.projects.includes(p.projectId));
    return { items: visible.map(projectView) };
  }

  @Post()
  @Access('admin', 'none')
  async create(@Body() body: unknown): Promise<Project> {
    const input = parseOr400(createProjectRequestSchema, body, 'body');
    if (await this.auth.projects.getProject(input.id))
      throw new ConflictException(`project ${input.id} exists`);
    return projectView(
      await this.auth.projects.saveProject({
        projectId: input.id,
        name: input.name,
        retentionDays: input.retentionDays,
      }),
    );
  }

  @Patch(':id')
  @Access('admin', 'param')
  async update(@Param('id') id: string, @Body() body: unknown): Promise<Project> {
    const patch = parseOr400(updateProjectRequestSchema, body, 'body');
    const current = await this.existing(id);
    return projectView(await this.auth.projects.saveProject({ ...current, ...patch }));
  }

  @Get(':id/api-keys')
  @Access('read', 'param')
  async keys(@Param('id') id: string): Promise<{ items: ApiKey[] }> {
    await this.existing(id);
    return { items: (await this.auth.keys.listKeys(id)).map(apiKeyView) };
  }

  @Post(':id/api-keys')
  @Access('admin', 'param')
  async createKey(@Param('id') id: string, @Body() body: unknown): Promise<CreatedApiKey> {
    const { name, kind } = parseOr400(createApiKeyRequestSchema, body, 'body');
    await this.existing(id);
    const key = generateApiKey(kind);
    const info = await this.auth.keys.addKey(id, key, name);
    return { ...apiKeyView(info), key };
  }

  @Delete(':id/api-keys/:prefix')
  @Access('admin', 'param')
  @HttpCode(204)
  async revokeKey(@Param('id') id: string, @Param('prefix') prefix: string): Promise<void> {
    const valid = parseOr400(apiKeyPrefixParamSchema, prefix, 'prefix');
    if (!(await this.auth.keys.revokeKey(id, valid))) throw new NotFoundException(`no key ${valid} in ${id}`);
  }

  private async existing(id: string) {
    const project = await this.auth.projects.getProject(id);
    if (!project) throw new NotFoundException(`no project ${id}`);
    return project;
  }
}
