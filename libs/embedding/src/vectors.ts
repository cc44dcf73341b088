/**
 * The vector scaled to length 1, as a new Float32Array; null when it cannot be (empty, all zeros, or holding a
 * value that is not a finite number), because such a vector has no direction to compare.
 */
export function l2Normalize(values: ArrayLike<number>): Float32Array | null {
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) return null;
    sumSquares += v * v;
  }
  const norm = Math.sqrt(sumSquares);
  if (values.length === 0 || norm === 0 || !Number.isFinite(norm)) return null;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) / norm;
  return out;
}

/** Dot product; the cosine similarity of two unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vectors differ in length: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Whether two model names denote the same model: case-insensitive, ignoring an `org/` prefix. */
export function sameModel(a: string, b: string): boolean {
  const bare = (name: string) => name.trim().toLowerCase().split('/').pop() ?? '';
  return bare(a) !== '' && bare(a) === bare(b);
}
