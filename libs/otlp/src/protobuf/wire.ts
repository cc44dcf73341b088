import protobuf from 'protobufjs/minimal.js';
import { OtlpDecodeError, atPath } from '../errors.js';
import { bytesToHex } from '../hex.js';

/**
 * Thin helpers over protobufjs's Reader. While an embedded message is being read, `reader.len` is
 * narrowed to that message's end (`enter`/`leave`), so every read is bounds-checked against the message,
 * not only against the whole buffer: a length that overruns its parent is reported as truncation.
 */
export type Reader = protobuf.Reader;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;
const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

export function createReader(bytes: Uint8Array): Reader {
  return protobuf.Reader.create(bytes);
}

/** Reads a length prefix and narrows the reader to the embedded message. Returns the limit for `leave`. */
export function enter(reader: Reader): number {
  const length = reader.size();
  const outer = reader.len;
  if (length > outer - reader.pos) throw truncated(reader, length);
  reader.len = reader.pos + length;
  return outer;
}

export function leave(reader: Reader, outer: number): void {
  reader.len = outer;
}

/**
 * Skips a field the decoder has no case for. `known` is a bit mask of the message's field numbers
 * (all below 32): a known field arriving with another wire type is malformed, not unknown.
 */
export function skipField(reader: Reader, tag: number, known: number): void {
  const field = tag >>> 3;
  if (field < 32 && (known >>> field) & 1) {
    const wire = tag & 7;
    throw new OtlpDecodeError(`unexpected wire type ${wire} (${WIRE_NAMES[wire] ?? 'invalid'})`);
  }
  reader.skipType(tag & 7, 0, field);
}

/** Length-delimited bytes as lowercase hex, whatever their length (ids are checked by the normalizer). */
export function readHex(reader: Reader): string {
  const length = reader.size();
  const start = reader.pos;
  if (length > reader.len - start) throw truncated(reader, length);
  reader.pos = start + length;
  return bytesToHex(reader.buf, start, start + length);
}

/** Length-delimited bytes as standard base64. */
export function readBase64(reader: Reader): string {
  const length = reader.size();
  const start = reader.pos;
  if (length > reader.len - start) throw truncated(reader, length);
  reader.pos = start + length;
  return protobuf.util.base64.encode(reader.buf, start, start + length);
}

/** fixed64 as an exact unsigned bigint (timestamps). */
export function readFixed64(reader: Reader): bigint {
  const lo = reader.fixed32();
  const hi = reader.fixed32();
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * int64 varint (two's complement, up to 10 bytes): a number when Number.isSafeInteger holds,
 * otherwise its exact decimal string, so no precision is lost silently.
 */
export function readInt64(reader: Reader): number | string {
  const buf = reader.buf;
  const len = reader.len;
  let pos = reader.pos;
  let lo = 0;
  let hi = 0;
  let byte = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= len) throw truncated(reader, 1);
    byte = buf[pos++] ?? 0;
    lo |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      reader.pos = pos;
      return lo >>> 0;
    }
  }
  if (pos >= len) throw truncated(reader, 1);
  byte = buf[pos++] ?? 0;
  lo |= (byte & 0x0f) << 28;
  hi = (byte & 0x7f) >>> 4;
  for (let shift = 3; byte >= 0x80; shift += 7) {
    if (shift > 31) throw new OtlpDecodeError(`invalid varint at offset ${reader.pos}: longer than 10 bytes`);
    if (pos >= len) throw truncated(reader, 1);
    byte = buf[pos++] ?? 0;
    hi |= (byte & 0x7f) << shift;
  }
  reader.pos = pos;
  return int64ToJs(lo >>> 0, hi >>> 0);
}

function int64ToJs(lo: number, hi: number): number | string {
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  if (hi >= 0xffe00000) {
    const value = (hi - 0x100000000) * 0x100000000 + lo;
    if (Number.isSafeInteger(value)) return value;
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

export function truncated(reader: Reader, length: number): OtlpDecodeError {
  return new OtlpDecodeError(
    `truncated: ${length} byte(s) needed at offset ${reader.pos}, message ends at ${reader.len}`,
  );
}

/**
 * Converts anything thrown while reading a field into an OtlpDecodeError located at `segment`.
 * protobufjs signals truncation with RangeError("index out of range: ...") and bad encodings with Error.
 */
export function located(error: unknown, segment: string): unknown {
  if (error instanceof OtlpDecodeError) return atPath(error, segment);
  if (error instanceof Error) {
    const reason = error.message.startsWith('index out of range')
      ? `truncated (${error.message})`
      : error.message;
    return new OtlpDecodeError(reason, segment, { cause: error });
  }
  return error;
}

/** Path segment for a failing field: its proto name, with an index when repeated. */
export function segment(names: readonly string[], tag: number, index = -1): string {
  const field = tag >>> 3;
  if (tag === 0) return '';
  const name = names[field] ?? `field ${field}`;
  return index >= 0 ? `${name}[${index}]` : name;
}

/** Bit mask of field numbers, for skipField. */
export function fieldMask(...fields: number[]): number {
  let mask = 0;
  for (const field of fields) mask |= 1 << field;
  return mask >>> 0;
}
