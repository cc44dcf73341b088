import type { Readable } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';

/** 413: the body, as sent or decompressed, is over its per-request limit. */
export class BodyTooLargeError extends Error {}
/** 415 */
export class UnsupportedEncodingError extends Error {}
/** 400 */
export class CorruptBodyError extends Error {}
/** 429: holding this body would take the in-flight byte budget past its limit; retry later. */
export class BudgetExhaustedError extends Error {}
/** The client went away (or was timed out) before the body was complete: there is no one to answer. */
export class BodyAbortedError extends Error {}

// Output in 128 KiB pieces: small enough to stop a bomb within a piece of the limit, large enough that
// thread-pool round trips do not dominate (16 KiB pieces made inflating several times slower).
const INFLATE_OPTIONS = { chunkSize: 128 * 1024 };

export type ContentEncoding = 'identity' | 'gzip' | 'deflate';

export function contentEncodingOf(header: string | undefined): ContentEncoding {
  const name = (header ?? 'identity').trim().toLowerCase();
  if (name === '' || name === 'identity') return 'identity';
  if (name === 'gzip' || name === 'deflate') return name;
  throw new UnsupportedEncodingError(`Content-Encoding "${name}" is not supported; use gzip or none`);
}

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
  /** Counts bytes against the in-flight budget before they are held; false means no room. */
  reserve(bytes: number): boolean;
}

/**
 * Reads a request body, undoing Content-Encoding as it streams. Every chunk, as received and as
 * decompressed, is checked against the per-request limits and reserved from the in-flight budget before
 * it is kept, so neither a gzip bomb nor many concurrent bodies can allocate past the budget: zlib stops
 * at the first chunk over. On failure the rest of the body is read and discarded, never buffered.
 */
export function readBody(source: Readable, encoding: ContentEncoding, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let decoded = 0;
    let settled = false;
    const inflater: Gunzip | Inflate | null =
      encoding === 'gzip'
        ? createGunzip(INFLATE_OPTIONS)
        : encoding === 'deflate'
          ? createInflate(INFLATE_OPTIONS)
          : null;

    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      source.off('data', onData).off('end', onEnd).off('error', onAborted).off('close', onClose);
      inflater?.destroy();
      if (!error) return resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, decoded));
      chunks.length = 0;
      if (!source.destroyed) source.resume(); // discard the rest; the response says Connection: close
      reject(error);
    };
    const keep = (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > limits.maxDecompressedBytes) {
        return settle(
          new BodyTooLargeError(
            `decompressed body exceeds the limit of ${limits.maxDecompressedBytes} bytes`,
          ),
        );
      }
      if (!limits.reserve(chunk.length)) return settle(saturated());
      chunks.push(chunk);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBodyBytes) {
        return settle(new BodyTooLargeError(`body exceeds the limit of ${limits.maxBodyBytes} bytes`));
      }
      if (!inflater) return keep(chunk);
      // Compressed bytes wait in zlib's input buffer until inflated: they count too.
      if (!limits.reserve(chunk.length)) return settle(saturated());
      if (!inflater.write(chunk)) {
        source.pause();
        inflater.once('drain', () => settled || source.resume());
      }
    };
    const onEnd = () => (inflater ? inflater.end() : settle(null));
    const onAborted = () =>
      settle(new BodyAbortedError('the client closed the connection before sending the whole body'));
    const onClose = () => source.readableEnded || onAborted();

    if (inflater) {
      inflater.on('data', keep);
      inflater.on('end', () => settle(null));
      inflater.on('error', (error) =>
        settle(new CorruptBodyError(`body is not valid ${encoding} data: ${error.message}`)),
      );
    }
    if (source.destroyed) return onAborted();
    source.on('data', onData).on('end', onEnd).on('error', onAborted).on('close', onClose);
    source.resume();
  });
}

function saturated(): BudgetExhaustedError {
  return new BudgetExhaustedError('ingest is saturated (in-flight bytes over budget); retry later');
}
