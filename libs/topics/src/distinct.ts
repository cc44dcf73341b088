/** The distinct vectors of a window and, for every input vector, which distinct one it is. */
export interface DistinctVectors {
  vectors: Float32Array[];
  /** Index into `vectors` of each input vector, in input order. */
  of: Int32Array;
}

/**
 * Collapses bit-identical vectors (the same text embedded by the same model). Topics are fitted on distinct
 * requests: a question asked 35 times is one point, not 35, so k-means does not spend several centroids on one
 * heavily repeated intent (CLINC150 at 3,000 calls/h: one intent at 11% of traffic split into 13 topics).
 */
export function distinctVectors(input: readonly Float32Array[]): DistinctVectors {
  const vectors: Float32Array[] = [];
  const of = new Int32Array(input.length);
  const byHash = new Map<number, number[]>();
  input.forEach((v, i) => {
    const h = hashOf(v);
    const bucket = byHash.get(h);
    const same = bucket?.find((d) => equal(vectors[d]!, v));
    if (same !== undefined) {
      of[i] = same;
      return;
    }
    of[i] = vectors.length;
    if (bucket) bucket.push(vectors.length);
    else byHash.set(h, [vectors.length]);
    vectors.push(v);
  });
  return { vectors, of };
}

/** FNV-1a over the float bits. */
function hashOf(v: Float32Array): number {
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  return h >>> 0;
}

function equal(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
