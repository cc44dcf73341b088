import { z } from 'zod';

/** POST /v1/embeddings request, OpenAI wire format. */
export interface EmbeddingsRequest {
  input: string[];
  model: string;
  encoding_format: 'float';
}

/** The response; `embedding` may come base64 (little-endian float32) from servers that ignore encoding_format. */
export const embeddingsResponseSchema = z.object({
  object: z.literal('list').optional(),
  data: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string().optional(),
});

export type EmbeddingsResponse = z.infer<typeof embeddingsResponseSchema>;

const errorBodySchema = z.object({ error: z.object({ message: z.string() }).loose() }).loose();

/** OpenAI's `{error: {message, type, code}}` message, or the start of the body when it is not in that shape. */
export function errorMessage(body: string): string {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) return parsed.data.error.message.slice(0, 500);
  } catch {
    // not JSON
  }
  return body.slice(0, 200).replace(/\s+/g, ' ').trim() || '(empty body)';
}

export function decodeEmbedding(value: number[] | string): ArrayLike<number> {
  if (Array.isArray(value)) return value;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length % 4 !== 0) return [Number.NaN];
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** A wait before the next attempt, from `retry-after-ms` (OpenAI) or `retry-after` (seconds or HTTP date). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so retries spread out. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return step / 2 + random() * (step / 2);
}
