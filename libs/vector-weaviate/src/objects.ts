import { createHash } from 'node:crypto';
import type { VectorEntry, VectorField, VectorMetadata } from '@driftwatch/contracts';
import { generateUuid5 } from 'weaviate-client';

/** The stored properties of one vector object (the vector itself is the object's default vector). */
export type VectorProperties = {
  projectId: string;
  traceId: string;
  spanId: string;
  field: string;
  time: Date;
  model: string;
  release: string;
  topicId: string | null;
  /** Uniform in [0, 1), fixed per object: sampling reads runs of objects ordered by it from random points. */
  sampleKey: number;
};

const TENANT_SAFE = /^[A-Za-z0-9_-]{1,60}$/;

/**
 * The tenant of a project. Weaviate tenant names allow [A-Za-z0-9_-]{1,64}: a project id in that alphabet keeps its
 * name (prefixed p-), any other is hashed (prefixed h-), so two projects never share a tenant.
 */
export function tenantOf(projectId: string): string {
  if (TENANT_SAFE.test(projectId)) return `p-${projectId}`;
  return `h-${createHash('sha256').update(projectId).digest('hex').slice(0, 40)}`;
}

/** Deterministic object id: upserting the same (project, span, field) again replaces the object. */
export function objectId(e: Pick<VectorEntry, 'projectId' | 'spanId' | 'field'>): string {
  return generateUuid5(JSON.stringify([e.projectId, e.spanId, e.field]));
}

function sampleKey(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;
}

export function toObject(e: VectorEntry): { id: string; properties: VectorProperties; vectors: number[] } {
  const id = objectId(e);
  return {
    id,
    properties: {
      projectId: e.projectId,
      traceId: e.traceId,
      spanId: e.spanId,
      field: e.field,
      time: new Date(e.timeMs),
      model: e.model,
      release: e.release,
      topicId: e.topicId,
      sampleKey: sampleKey(id),
    },
    vectors: Array.from(e.vector),
  };
}

export function toMetadata(p: Partial<VectorProperties>): VectorMetadata {
  const time = p.time instanceof Date ? p.time.getTime() : Date.parse(String(p.time));
  return {
    projectId: String(p.projectId),
    traceId: String(p.traceId ?? ''),
    spanId: String(p.spanId),
    field: p.field as VectorField,
    timeMs: time,
    model: String(p.model ?? ''),
    release: String(p.release ?? ''),
    topicId: p.topicId ?? null,
  };
}
