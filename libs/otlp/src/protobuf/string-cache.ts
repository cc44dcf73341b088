import protobuf from 'protobufjs/minimal.js';
import type { Reader } from './wire.js';
import { truncated } from './wire.js';

/**
 * Attribute keys repeat in every span ("gen_ai.usage.input_tokens" ...). Decoding each occurrence
 * allocates a fresh string that V8 must then hash again to use as a property key. This direct-mapped
 * cache returns the same string for the same bytes: one hash pass and one compare instead. Bounded
 * (SLOTS entries of at most MAX_LENGTH bytes, copied), so hostile keys only cause evictions.
 */
const SLOTS = 1024;
const MAX_LENGTH = 64;
const cachedBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
const cachedStrings: string[] = new Array<string>(SLOTS).fill('');

/** Reads a length-delimited string through the cache (for short, highly repetitive strings). */
export function readCachedString(reader: Reader): string {
  const length = reader.size();
  const buf = reader.buf;
  const start = reader.pos;
  const end = start + length;
  if (length > reader.len - start) throw truncated(reader, length);
  reader.pos = end;
  if (length > MAX_LENGTH) return protobuf.util.utf8.read(buf, start, end);
  let hash = length;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ (buf[i] ?? 0), 0x01000193);
  const slot = (hash >>> 0) & (SLOTS - 1);
  const bytes = cachedBytes[slot];
  if (bytes !== undefined && bytes.length === length) {
    let i = 0;
    while (i < length && bytes[i] === buf[start + i]) i++;
    if (i === length) return cachedStrings[slot] ?? '';
  }
  const value = protobuf.util.utf8.read(buf, start, end);
  const copy = new Uint8Array(length); // not buf.slice(): on a Node Buffer that is a view, not a copy
  for (let i = 0; i < length; i++) copy[i] = buf[start + i] ?? 0;
  cachedBytes[slot] = copy;
  cachedStrings[slot] = value;
  return value;
}
