import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Dataset, DatasetItem, DatasetVersion } from '@driftwatch/contracts';
import {
  createDatasetRequestSchema,
  createDatasetVersionRequestSchema,
  datasetExportQuerySchema,
  datasetItemsQuerySchema,
  datasetVersionParamSchema,
} from '@driftwatch/api-schema';
import { Access, AccessGuard, projectOf, userOf, type AuthedRequest } from '../auth/access.guard.js';
import { PIPELINE } from '../common/tokens.js';
import { parseOr400 } from '../common/validation.js';
import type { Pipeline } from '../composition/pipeline.js';
import { type BuildCounts, versionItems } from './build-version.js';
import { exportLines } from './dataset-lines.js';
import { notifyVersionCreated } from './version-webhook.js';

/**
 * Datasets built from review queues: members create datasets and versions, everyone who reads the project
 * browses and exports them. Versions are immutable; an export is streamed page by page.
 */
@Controller('/api/datasets')
@UseGuards(AccessGuard)
export class DatasetsController {
  constructor(@Inject(PIPELINE) private readonly pipeline: Pipeline) {}

  @Get()
  @Access('read')
  async list(@Req() request: AuthedRequest): Promise<{ items: Dataset[] }> {
    return { items: await this.pipeline.datasets.listDatasets(projectOf(request)) };
  }

  @Post()
  @Access('annotate')
  async create(@Req() request: AuthedRequest, @Body() body: unknown): Promise<Dataset> {
    const input = parseOr400(createDatasetRequestSchema, body, 'body');
    const dataset: Dataset = {
      ...input,
      datasetId: `ds_${randomBytes(8).toString('hex')}`,
      projectId: projectOf(request),
      createdAt: new Date().toISOString(),
      createdBy: userOf(request).userId,
    };
    await this.pipeline.datasets.createDataset(dataset);
    return dataset;
  }

  @Get(':datasetId')
  @Access('read')
  async get(
    @Req() request: AuthedRequest,
    @Param('datasetId') datasetId: string,
  ): Promise<Dataset & { versions: DatasetVersion[] }> {
    const dataset = await this.dataset(request, datasetId);
    return { ...dataset, versions: await this.pipeline.datasets.listVersions(dataset.projectId, datasetId) };
  }

  /** A new immutable version from the judged items of review queues (queues of this project only). */
  @Post(':datasetId/versions')
  @Access('annotate')
  async createVersion(
    @Req() request: AuthedRequest,
    @Param('datasetId') datasetId: string,
    @Body() body: unknown,
  ): Promise<DatasetVersion & { judged: number; skipped: number; notified: number }> {
    const input = parseOr400(createDatasetVersionRequestSchema, body, 'body');
    const dataset = await this.dataset(request, datasetId);
    for (const queueId of input.queueIds)
      if (!(await this.pipeline.review.getQueue(dataset.projectId, queueId)))
        throw new NotFoundException(`no review queue ${queueId} in this project`);
    const counts: BuildCounts = { judged: 0, skipped: 0 };
    const items = versionItems(
      dataset.projectId,
      this.pipeline.datasets.reviewedItems(dataset.projectId, input.queueIds),
      this.pipeline.reader,
      input.approvedLabels,
      counts,
    );
    const version = await this.pipeline.datasets.createVersion(dataset.projectId, datasetId, items, {
      source: { queueIds: input.queueIds, approvedLabels: input.approvedLabels },
      note: input.note,
      createdBy: userOf(request).userId,
    });
    const notified = input.notify
      ? await notifyVersionCreated(this.pipeline.alerts, dataset, version, null)
      : 0;
    return { ...version, ...counts, notified };
  }

  @Get(':datasetId/versions/:version/items')
  @Access('read')
  async items(
    @Req() request: AuthedRequest,
    @Param('datasetId') datasetId: string,
    @Param('version') version: string,
    @Query() query: unknown,
  ): Promise<{ items: DatasetItem[]; total: number }> {
    const { offset, limit } = parseOr400(datasetItemsQuerySchema, query, 'query');
    const found = await this.version(request, datasetId, version);
    const items = await this.pipeline.datasets.items(
      found.projectId,
      datasetId,
      found.version,
      offset,
      limit,
    );
    return { items, total: found.version.itemCount };
  }

  /** JSONL, streamed page by page (bounded memory for any size), as a download. */
  @Get(':datasetId/versions/:version/export')
  @Access('read')
  async export(
    @Req() request: AuthedRequest,
    @Param('datasetId') datasetId: string,
    @Param('version') version: string,
    @Query() query: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { format } = parseOr400(datasetExportQuerySchema, query, 'query');
    const found = await this.version(request, datasetId, version);
    const lines = exportLines(this.pipeline.datasets, found.projectId, found.version, format);
    const file = `${datasetId}-v${found.version.version}.${format}.jsonl`;
    await reply
      .header('content-type', 'application/jsonl; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file}"`)
      .send(Readable.from(lines));
  }

  private async dataset(request: AuthedRequest, datasetId: string): Promise<Dataset> {
    const dataset = /^ds_[0-9a-f]{16}$/.test(datasetId)
      ? await this.pipeline.datasets.getDataset(projectOf(request), datasetId)
      : null;
    if (!dataset) throw new NotFoundException(`no dataset ${datasetId} in this project`);
    return dataset;
  }

  private async version(request: AuthedRequest, datasetId: string, version: string) {
    const dataset = await this.dataset(request, datasetId);
    const number = parseOr400(datasetVersionParamSchema, version, 'version');
    const found = await this.pipeline.datasets.getVersion(dataset.projectId, datasetId, number);
    if (!found) throw new NotFoundException(`dataset ${datasetId} has no version ${number}`);
    return { projectId: dataset.projectId, version: found };
  }
}
