import { PermanentError } from './errors.js';
import type { VectorEntry, VectorFilter, VectorSampleRequest } from './vector-index.js';

/** The checks every VectorIndex adapter makes before it talks to its engine (PermanentError on failure). */
export const MAX_NEAREST_K = 1000;
/** Largest sample seed (an unsigned 32-bit number, as engines hash it). */
const MAX_SAMPLE_SEED = 2 ** 32 - 1;

export function checkVector(vector: ArrayLike<number>, dimensions: number, what: string): void {
  if (vector.length !== dimensions) {
    throw new PermanentError(`${what}: vector has ${vector.length} dimensions, the index has ${dimensions}`);
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new PermanentError(`${what}: vector value ${i} is not finite`);
  }
}

function checkProject(projectId: string, what: string): void {
  if (typeof projectId !== 'string' || projectId.trim() === '') {
    throw new PermanentError(`${what}: project id is empty`);
  }
}

function checkTime(ms: number | undefined, what: string): void {
  if (ms !== undefined && !Number.isFinite(ms)) throw new PermanentError(`${what}: time is not a number`);
}

export function checkEntries(entries: readonly VectorEntry[], dimensions: number): void {
  entries.forEach((e, i) => {
    const what = `entry ${i} (span ${e.spanId})`;
    checkProject(e.projectId, what);
    if (!e.spanId) throw new PermanentError(`${what}: span id is empty`);
    if (e.field !== 'request' && e.field !== 'response') {
      throw new PermanentError(`${what}: field must be 'request' or 'response', got ${String(e.field)}`);
    }
    if (!Number.isFinite(e.timeMs) || e.timeMs < 0) throw new PermanentError(`${what}: time is invalid`);
    checkVector(e.vector, dimensions, what);
  });
}

export function checkFilter(filter: VectorFilter, what: string): void {
  checkProject(filter.projectId, what);
  checkTime(filter.fromMs, what);
  checkTime(filter.toMs, what);
}

export function checkNearest(
  vector: Float32Array,
  k: number,
  filter: VectorFilter,
  dimensions: number,
): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_NEAREST_K) {
    throw new PermanentError(`nearest: k must be a whole number from 1 to ${MAX_NEAREST_K}, got ${k}`);
  }
  checkFilter(filter, 'nearest');
  checkVector(vector, dimensions, 'nearest');
}

/** The sample size to fetch: the request's limit, capped at the adapter's bound. */
export function checkSample(request: VectorSampleRequest, maxSampleSize: number): number {
  checkFilter(request, 'sample');
  if (!Number.isFinite(request.fromMs) || !Number.isFinite(request.toMs) || request.fromMs >= request.toMs) {
    throw new PermanentError('sample: the window needs fromMs < toMs');
  }
  if (!Number.isInteger(request.limit) || request.limit < 1) {
    throw new PermanentError(`sample: limit must be a positive whole number, got ${request.limit}`);
  }
  const seed = request.seed;
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > MAX_SAMPLE_SEED)) {
    throw new PermanentError(`sample: seed must be a whole number from 0 to ${MAX_SAMPLE_SEED}, got ${seed}`);
  }
  return Math.min(request.limit, maxSampleSize);
}
