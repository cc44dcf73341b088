import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export class BodyTooLargeError extends Error {}
export class UnsupportedEncodingError extends Error {}
export class CorruptBodyError extends Error {}

/**
 * Undoes Content-Encoding with a hard cap on the output, so a gzip bomb fails fast instead of
 * exhausting memory (zlib stops at maxOutputLength).
 */
export async function decodeContentEncoding(
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === '' || name === 'identity') return body;
  if (name !== 'gzip' && name !== 'deflate') {
    throw new UnsupportedEncodingError(`Content-Encoding "${name}" is not supported; use gzip or none`);
  }
  try {
    return await (name === 'gzip' ? gunzipAsync : inflateAsync)(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BodyTooLargeError(`decompressed body exceeds the limit of ${maxBytes} bytes`);
    }
    throw new CorruptBodyError(`body is not valid ${name} data: ${(error as Error).message}`);
  }
}
