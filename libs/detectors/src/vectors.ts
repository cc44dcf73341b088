import { type Random, sampleIndexes } from '@driftwatch/topics';

/** Vectors, or anything carrying one (EmbeddedCall). */
export type VectorsLike = readonly (Float32Array | { vector: Float32Array })[];

export function vectorsOf(items: VectorsLike): Float32Array[] {
  return items.map((v) => (v instanceof Float32Array ? v : v.vector));
}

/** A seeded subsample of at most `cap` items, in input order. */
export function cap<T>(items: readonly T[], max: number, random: Random): T[] {
  return items.length <= max ? [...items] : sampleIndexes(items.length, max, random).map((i) => items[i]!);
}

export function meanVector(vectors: readonly Float32Array[]): Float64Array {
  const dim = vectors[0]?.length ?? 0;
  const sum = new Float64Array(dim);
  for (const v of vectors) for (let d = 0; d < dim; d++) sum[d]! += v[d]!;
  for (let d = 0; d < dim; d++) sum[d]! /= Math.max(1, vectors.length);
  return sum;
}

export function squaredDistance64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

export function dot32(a: Float32Array, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
