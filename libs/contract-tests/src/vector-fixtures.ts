import { randomBytes } from 'node:crypto';
import type { VectorEntry } from '@driftwatch/contracts';

/** A random unit vector (Gaussian coordinates, normalized): distances between two of them are all distinct. */
export function randomUnitVector(dimensions: number): Float32Array {
  const v = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) {
    v[i] = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  }
  return normalize(v);
}

export function normalize(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** `base` nudged by `amount` of random noise, normalized: close to base, not equal. */
export function near(base: Float32Array, amount: number): Float32Array {
  const noise = randomUnitVector(base.length);
  return normalize(base.map((x, i) => x + amount * (noise[i] as number)));
}

export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return 1 - dot;
}

export function randomProjectId(): string {
  return `p-${randomBytes(4).toString('hex')}`;
}

export function vectorEntry(
  projectId: string,
  dimensions: number,
  overrides: Partial<VectorEntry> = {},
): VectorEntry {
  return {
    projectId,
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    field: 'request',
    timeMs: Date.now() - 60_000,
    model: 'gpt-4o-mini',
    release: 'v1',
    topicId: null,
    vector: randomUnitVector(dimensions),
    ...overrides,
  };
}
