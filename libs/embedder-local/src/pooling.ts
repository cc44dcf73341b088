import { l2Normalize } from '@driftwatch/embedding';

/**
 * Sentence vectors from a transformer's last hidden state [batch, seqLen, dims]: the mean over the positions
 * the attention mask keeps (padding excluded), then L2-normalized, as sentence-transformers does for MiniLM.
 */
export function meanPoolNormalized(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seqLen: number,
  dims: number,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const sum = new Float64Array(dims);
    let kept = 0;
    for (let t = 0; t < seqLen; t++) {
      if (Number(mask[b * seqLen + t]) === 0) continue;
      kept++;
      const offset = (b * seqLen + t) * dims;
      for (let d = 0; d < dims; d++) sum[d]! += hidden[offset + d] as number;
    }
    const vector = kept > 0 ? l2Normalize(sum) : null;
    if (!vector) throw new Error(`input ${b} of the batch pooled to no direction (no kept tokens or NaN)`);
    out.push(vector);
  }
  return out;
}
