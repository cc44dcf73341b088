import { OtlpDecodeError, atPath } from '../errors.js';
import { wellFormed } from '../well-formed.js';

/**
 * Scalar readers for OTLP/JSON (protobuf JSON mapping with the OTLP exceptions: hex ids, integer enums).
 * Each throws an OtlpDecodeError without a path; callers prefix the key they were reading.
 */
export type JsonObject = Record<string, unknown>;

/**
 * Thrown (not an OtlpDecodeError) when a 64-bit field holds a JSON number beyond 2^53: JSON.parse has
 * already rounded it, so the caller parses again with a reviver that keeps the exact source digits.
 */
export const INEXACT_INTEGER: unique symbol = Symbol('inexact JSON integer');

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UNSIGNED = /^\d+$/;
const SIGNED = /^-?\d+$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown): JsonObject {
  if (!isObject(value)) throw new OtlpDecodeError(`expected an object, got ${describe(value)}`);
  return value;
}

/**
 * Every OTLP/JSON string (names, messages, attribute keys and values) passes here. JSON.parse turns a "\ud83d"
 * escape into a lone surrogate (JSON exporters emit them when they cut text mid-emoji); it becomes U+FFFD, as
 * a browser would show it, rather than rejecting the span: the rest of the text is still worth keeping.
 */
export function expectString(value: unknown): string {
  if (typeof value !== 'string') throw new OtlpDecodeError(`expected a string, got ${describe(value)}`);
  return wellFormed(value);
}

export function expectBool(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new OtlpDecodeError(`expected a boolean, got ${describe(value)}`);
  return value;
}

/** Ids are hex strings in OTLP/JSON. Other strings pass through lowercased; the normalizer rejects them. */
export function expectId(value: unknown): string {
  if (typeof value !== 'string') throw new OtlpDecodeError(`expected a hex string, got ${describe(value)}`);
  return wellFormed(value).toLowerCase();
}

/** uint64/fixed64 (timestamps): a JSON number or a decimal string, as an exact bigint. */
export function expectUint64(value: unknown): bigint {
  let result: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new OtlpDecodeError(`expected an integer, got ${describe(value)}`);
    if (value < 0) throw new OtlpDecodeError(`expected a non-negative integer, got ${value}`);
    if (!Number.isSafeInteger(value)) throw INEXACT_INTEGER;
    return BigInt(value);
  } else if (typeof value === 'bigint') result = value;
  else if (typeof value === 'string' && UNSIGNED.test(value)) result = BigInt(value);
  else throw new OtlpDecodeError(`expected a non-negative integer, got ${describe(value)}`);
  if (result < 0n || result > UINT64_MAX) throw new OtlpDecodeError(`integer out of uint64 range: ${result}`);
  return result;
}

/** int64: a number when Number.isSafeInteger holds, otherwise the exact decimal string. */
export function expectInt64(value: unknown): number | string {
  let result: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new OtlpDecodeError(`expected an integer, got ${describe(value)}`);
    if (!Number.isSafeInteger(value)) throw INEXACT_INTEGER;
    return value;
  } else if (typeof value === 'bigint') {
    result = value;
    if (result < INT64_MIN || result > INT64_MAX) return outOfRangeNumber(result);
  } else if (typeof value === 'string' && SIGNED.test(value)) result = BigInt(value);
  else throw new OtlpDecodeError(`expected an integer, got ${describe(value)}`);
  if (result < INT64_MIN || result > INT64_MAX)
    throw new OtlpDecodeError(`integer out of int64 range: ${result}`);
  const asNumber = Number(result);
  return Number.isSafeInteger(asNumber) ? asNumber : result.toString();
}

/**
 * A JSON number outside int64 written as intValue: JS encoders print any integral double that way
 * (-2 ** 63 as -9223372036854776000, 1e20 as 100000000000000000000). Take the double it denotes: exact
 * when that fits int64 (-2 ** 63), else the double itself, as the protobuf encoder would send it.
 */
function outOfRangeNumber(value: bigint): number | string {
  const double = Number(value);
  const exact = BigInt(double);
  return exact >= INT64_MIN && exact <= INT64_MAX ? exact.toString() : double;
}

/** double: a number, or "NaN" / "Infinity" / "-Infinity" / a decimal string (protobuf JSON mapping). */
export function expectDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    if (DECIMAL.test(value)) return Number(value);
  }
  throw new OtlpDecodeError(`expected a number, got ${describe(value)}`);
}

/** Enums: an int32 (unknown values kept, proto3 enums are open) or one of the value names. */
export function expectEnum(
  value: unknown,
  names: Readonly<Record<string, number>>,
  enumName: string,
): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) {
    return value;
  }
  if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value] ?? 0;
  throw new OtlpDecodeError(`expected a ${enumName} integer or name, got ${describe(value)}`);
}

/** bytes: standard or URL-safe base64, padded or not; returned as padded standard base64. */
export function expectBase64(value: unknown): string {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new OtlpDecodeError(`expected a base64 string, got ${describe(value)}`);
  }
  const bare = value.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (bare.length % 4 === 1) throw new OtlpDecodeError(`invalid base64 length ${value.length}`);
  return bare.padEnd(Math.ceil(bare.length / 4) * 4, '=');
}

/** A JSON array read item by item; a failing item is reported at `[index]`. */
export function readArray<T>(value: unknown, read: (item: unknown) => T): T[] {
  if (!Array.isArray(value)) throw new OtlpDecodeError(`expected an array, got ${describe(value)}`);
  const items: T[] = [];
  for (let i = 0; i < value.length; i++) {
    try {
      items.push(read(value[i]));
    } catch (error) {
      throw atPath(error, `[${i}]`);
    }
  }
  return items;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value.length > 40 ? `a string "${value.slice(0, 40)}..."` : `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
