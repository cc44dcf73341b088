import { PassThrough } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BodyAbortedError,
  BodyTooLargeError,
  BudgetExhaustedError,
  contentEncodingOf,
  CorruptBodyError,
  readBody,
  UnsupportedEncodingError,
} from './body-decoding.js';

const MiB = 1024 * 1024;

function budget(max: number) {
  const state = { reserved: 0, max };
  return {
    state,
    reserve: (bytes: number) => {
      if (state.reserved + bytes > state.max) return false;
      state.reserved += bytes;
      return true;
    },
  };
}

function streamOf(...chunks: Buffer[]): PassThrough {
  const stream = new PassThrough();
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return stream;
}

describe('readBody', () => {
  it('returns identity, gzip and deflate bodies, counting what it keeps against the budget', async () => {
    const text = Buffer.from('{"resourceSpans":[]}'.repeat(1000));
    for (const [encoding, bytes] of [
      ['identity', text],
      ['gzip', gzipSync(text)],
      ['deflate', deflateSync(text)],
    ] as const) {
      const { state, reserve } = budget(MiB);
      const body = await readBody(streamOf(bytes), encoding, {
        maxBodyBytes: MiB,
        maxDecompressedBytes: MiB,
        reserve,
      });
      expect(body.equals(text)).toBe(true);
      const compressed = encoding === 'identity' ? 0 : bytes.length;
      expect(state.reserved).toBe(text.length + compressed);
    }
  });

  it('stops a gzip bomb at the decompressed limit, having reserved no more than the limit and a chunk', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
    const { state, reserve } = budget(1024 * MiB);
    const reading = readBody(streamOf(bomb), 'gzip', {
      maxBodyBytes: MiB,
      maxDecompressedBytes: 4 * MiB,
      reserve,
    });
    await expect(reading).rejects.toThrow(BodyTooLargeError);
    expect(state.reserved).toBeLessThanOrEqual(4 * MiB + bomb.length);
  });

  it('refuses with BudgetExhaustedError once decompressed bytes would pass the in-flight budget', async () => {
    const body = gzipSync(Buffer.alloc(8 * MiB, 7));
    const { state, reserve } = budget(2 * MiB);
    const reading = readBody(streamOf(body), 'gzip', {
      maxBodyBytes: 16 * MiB,
      maxDecompressedBytes: 16 * MiB,
      reserve,
    });
    await expect(reading).rejects.toThrow(BudgetExhaustedError);
    expect(state.reserved).toBeLessThanOrEqual(2 * MiB);
  });

  it('answers 413 for a body over the limit as sent', async () => {
    const reading = readBody(streamOf(Buffer.alloc(600), Buffer.alloc(600)), 'identity', {
      maxBodyBytes: 1000,
      maxDecompressedBytes: MiB,
      reserve: () => true,
    });
    await expect(reading).rejects.toThrow(/body exceeds the limit of 1000 bytes/);
  });

  it('reports corrupt compressed data and unsupported encodings', async () => {
    const limits = { maxBodyBytes: MiB, maxDecompressedBytes: MiB, reserve: () => true };
    await expect(readBody(streamOf(Buffer.from('not gzip')), 'gzip', limits)).rejects.toThrow(
      CorruptBodyError,
    );
    expect(() => contentEncodingOf('br')).toThrow(UnsupportedEncodingError);
    expect(contentEncodingOf(' GZIP ')).toBe('gzip');
    expect(contentEncodingOf(undefined)).toBe('identity');
  });

  it('rejects with BodyAbortedError when the client goes away mid-body', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.alloc(100));
    const reading = readBody(stream, 'identity', {
      maxBodyBytes: MiB,
      maxDecompressedBytes: MiB,
      reserve: () => true,
    });
    setImmediate(() => stream.destroy(new Error('aborted')));
    await expect(reading).rejects.toThrow(BodyAbortedError);
  });
});
