import type {
  VectorEntry,
  VectorFilter,
  VectorIndex,
  VectorMatch,
  VectorSampleRequest,
} from '@driftwatch/contracts';
import {
  checkEntries,
  checkFilter,
  checkNearest,
  checkSample,
  PermanentError,
  RetryableError,
  UnavailableError,
} from '@driftwatch/contracts';
import weaviate, { Filters, type Collection, type FilterValue, type WeaviateClient } from 'weaviate-client';
import { tenantOf, toMetadata, toObject, type VectorProperties } from './objects.js';
import { sampleByKeyRuns, seededUniform } from './sampling.js';
import { collectionConfig } from './schema.js';

export interface WeaviateVectorIndexOptions {
  host: string;
  httpPort: number;
  grpcPort: number;
  secure?: boolean;
  apiKey?: string;
  collection?: string;
  dimensions: number;
  maxSampleSize?: number;
  /** Seconds, as the client counts them. */
  timeouts?: { init: number; query: number; insert: number };
}

type Vectors = Collection<VectorProperties>;
const COLLECTION = /^[A-Z][A-Za-z0-9_]{0,200}$/;
const DELETE_ROUNDS = 1000; // each deletes up to the server's QUERY_MAXIMUM_RESULTS (10,000 by default)

/**
 * VectorIndex on Weaviate through its official client v3 (gRPC for batches and queries): one collection,
 * one tenant per project, deterministic object ids (uuid v5 of project, span, field) so upserts are idempotent.
 * Weaviate filters before it searches (the HNSW walk skips filtered-out objects), so filters never shorten an answer.
 */
export class WeaviateVectorIndex implements VectorIndex {
  readonly dimensions: number;
  readonly maxSampleSize: number;
  private client: WeaviateClient | null = null;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly collectionName: string;
  private readonly knownTenants = new Set<string>();

  constructor(private readonly options: WeaviateVectorIndexOptions) {
    this.dimensions = options.dimensions;
    this.maxSampleSize = options.maxSampleSize ?? 20_000;
    this.collectionName = options.collection ?? 'DriftwatchVectors';
    if (!COLLECTION.test(this.collectionName))
      throw new Error(`invalid collection name ${this.collectionName}`);
  }

  async start(): Promise<void> {
    if (this.state === 'started') return;
    if (this.state === 'stopped') throw new UnavailableError('vector index is shut down');
    const o = this.options;
    try {
      this.client ??= await weaviate.connectToCustom({
        httpHost: o.host,
        httpPort: o.httpPort,
        httpSecure: o.secure ?? false,
        grpcHost: o.host,
        grpcPort: o.grpcPort,
        grpcSecure: o.secure ?? false,
        authCredentials: o.apiKey ? new weaviate.ApiKey(o.apiKey) : undefined,
        timeout: o.timeouts ?? { init: 5, query: 30, insert: 60 },
      });
      if (!(await this.client.collections.exists(this.collectionName))) {
        // Another process may create it at the same moment: only a collection still missing afterwards is an error.
        await this.client.collections.create(collectionConfig(this.collectionName)).catch(async (error) => {
          if (!(await this.client?.collections.exists(this.collectionName))) throw error;
        });
      }
    } catch (error) {
      throw engineError(error, 'Weaviate vector index start failed');
    }
    this.state = 'started';
  }

  async shutdown(): Promise<void> {
    this.state = 'stopped';
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => undefined);
  }

  async isReady(): Promise<boolean> {
    if (this.state !== 'started' || !this.client) return false;
    try {
      return await this.client.isReady();
    } catch {
      return false;
    }
  }

  async upsert(entries: readonly VectorEntry[]): Promise<void> {
    const collection = this.collection();
    checkEntries(entries, this.dimensions);
    const byTenant = new Map<string, ReturnType<typeof toObject>[]>();
    for (const e of entries) {
      const tenant = tenantOf(e.projectId);
      byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), toObject(e)]);
    }
    for (const [tenant, objects] of byTenant) {
      let result;
      try {
        result = await collection.withTenant(tenant).data.insertMany(objects);
      } catch (error) {
        throw engineError(error, `upsert of ${objects.length} vectors failed`);
      }
      if (result.hasErrors) {
        const first = Object.values(result.errors)[0];
        // Inputs were checked; a rejected object means the server could not take it now (it is retried whole).
        throw new RetryableError(
          `upsert: ${Object.keys(result.errors).length} objects refused: ${first?.message}`,
        );
      }
      this.knownTenants.add(tenant);
    }
  }

  async nearest(vector: Float32Array, k: number, filter: VectorFilter): Promise<VectorMatch[]> {
    const collection = this.collection();
    checkNearest(vector, k, filter, this.dimensions);
    const tenant = await this.existingTenant(filter.projectId);
    if (!tenant) return [];
    try {
      const result = await collection.withTenant(tenant).query.nearVector(Array.from(vector), {
        limit: k,
        filters: this.filters(collection, filter),
        returnMetadata: ['distance'],
      });
      return result.objects.map((o) => ({
        ...toMetadata(o.properties),
        distance: o.metadata?.distance ?? NaN,
      }));
    } catch (error) {
      throw engineError(error, 'vector search failed');
    }
  }

  async sample(request: VectorSampleRequest): Promise<VectorEntry[]> {
    const collection = this.collection();
    const limit = checkSample(request, this.maxSampleSize);
    const tenant = await this.existingTenant(request.projectId);
    if (!tenant) return [];
    const scoped = collection.withTenant(tenant);
    const window = this.filters(collection, request);
    try {
      const random = request.seed === undefined ? Math.random : seededUniform(request.seed);
      return await sampleByKeyRuns(scoped, window, limit, random);
    } catch (error) {
      throw engineError(error, 'vector sample failed');
    }
  }

  async latestTimeMs(filter: VectorFilter): Promise<number | null> {
    const collection = this.collection();
    checkFilter(filter, 'latestTimeMs');
    const tenant = await this.existingTenant(filter.projectId);
    if (!tenant) return null;
    const scoped = collection.withTenant(tenant);
    try {
      const result = await scoped.query.fetchObjects({
        filters: this.filters(collection, filter),
        sort: scoped.sort.byProperty('time', false),
        limit: 1,
        returnProperties: ['time'],
      });
      const newest = result.objects[0];
      return newest ? toMetadata(newest.properties).timeMs : null;
    } catch (error) {
      throw engineError(error, 'latest vector time failed');
    }
  }

  async deleteOlderThan(projectId: string, beforeMs: number): Promise<void> {
    const collection = this.collection();
    checkFilter({ projectId, toMs: beforeMs }, 'deleteOlderThan');
    const tenant = await this.existingTenant(projectId);
    if (!tenant) return;
    const old = this.filters(collection, { projectId, toMs: beforeMs });
    try {
      for (let round = 0; round < DELETE_ROUNDS; round++) {
        const result = await collection.withTenant(tenant).data.deleteMany(old);
        if (result.failed > 0) throw new Error(`${result.failed} of ${result.matches} objects not deleted`);
        if (result.matches === 0) return;
      }
    } catch (error) {
      throw engineError(error, 'delete of old vectors failed');
    }
  }

  private collection(): Vectors {
    if (this.state !== 'started' || !this.client) {
      throw new UnavailableError(`vector index is ${this.state === 'new' ? 'not started' : 'shut down'}`);
    }
    return this.client.collections.use<string, VectorProperties>(this.collectionName);
  }

  /** The project's tenant when it exists (a project that never stored a vector has none). */
  private async existingTenant(projectId: string): Promise<string | null> {
    const tenant = tenantOf(projectId);
    if (this.knownTenants.has(tenant)) return tenant;
    let found;
    try {
      found = await this.collection().tenants.getByName(tenant);
    } catch (error) {
      throw engineError(error, 'tenant lookup failed');
    }
    if (!found) return null;
    this.knownTenants.add(tenant);
    return tenant;
  }

  private filters(collection: Vectors, filter: VectorFilter) {
    const by = collection.filter;
    // The tenant already scopes the project; the property filter is a second lock on the same door.
    const parts: FilterValue[] = [by.byProperty('projectId').equal(filter.projectId)];
    if (filter.fromMs !== undefined)
      parts.push(by.byProperty('time').greaterOrEqual(new Date(filter.fromMs)));
    if (filter.toMs !== undefined) parts.push(by.byProperty('time').lessThan(new Date(filter.toMs)));
    if (filter.model !== undefined) parts.push(by.byProperty('model').equal(filter.model));
    if (filter.release !== undefined) parts.push(by.byProperty('release').equal(filter.release));
    if (filter.field !== undefined) parts.push(by.byProperty('field').equal(filter.field));
    if (filter.topicId !== undefined) parts.push(by.byProperty('topicId').equal(filter.topicId));
    return Filters.and(...parts);
  }
}

/** 4xx answers (other than timeouts and rate limits) mean the request itself is wrong; the rest may pass later. */
function engineError(error: unknown, what: string): RetryableError | PermanentError {
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429) {
    return new PermanentError(message, { cause: error });
  }
  return new RetryableError(message, { cause: error });
}
