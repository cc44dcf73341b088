import type { AttributeValue, Attributes } from '@driftwatch/contracts';
import { MAX_VALUE_DEPTH, setAttribute } from '../attributes.js';
import { OtlpDecodeError, atPath } from '../errors.js';
import {
  expectBase64,
  expectBool,
  expectDouble,
  expectInt64,
  expectObject,
  expectString,
  readArray,
} from './values.js';

/** Reads a JSON array of KeyValue ({ key, value: AnyValue }) into `target`; a later duplicate key wins. */
export function readAttributesInto(target: Attributes, value: unknown, depth: number): void {
  readArray(value, (item) => readKeyValueInto(target, item, depth));
}

function readKeyValueInto(target: Attributes, item: unknown, depth: number): void {
  const keyValue = expectObject(item);
  let key = '';
  let value: AttributeValue = null;
  let name = '';
  try {
    for (name in keyValue) {
      const field = keyValue[name];
      if (field === null || field === undefined) continue;
      if (name === 'key') key = expectString(field);
      else if (name === 'value') value = readAnyValue(field, depth);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  setAttribute(target, key, value);
}

/**
 * AnyValue: { stringValue | boolValue | intValue | doubleValue | arrayValue: { values } |
 * kvlistValue: { values } | bytesValue } (snake_case accepted). An empty object or null is null.
 * Should a sender set several members of the oneof, the first one in the document wins.
 */
export function readAnyValue(item: unknown, depth: number): AttributeValue {
  if (item === null) return null;
  if (depth >= MAX_VALUE_DEPTH)
    throw new OtlpDecodeError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const anyValue = expectObject(item);
  let name = '';
  try {
    for (name in anyValue) {
      const field = anyValue[name];
      if (field === null || field === undefined) continue;
      switch (name) {
        case 'stringValue':
        case 'string_value':
          return expectString(field);
        case 'boolValue':
        case 'bool_value':
          return expectBool(field);
        case 'intValue':
        case 'int_value':
          return expectInt64(field);
        case 'doubleValue':
        case 'double_value':
          return expectDouble(field);
        case 'arrayValue':
        case 'array_value':
          return readArrayValue(field, depth + 1);
        case 'kvlistValue':
        case 'kvlist_value':
          return readKeyValueList(field, depth + 1);
        case 'bytesValue':
        case 'bytes_value':
          return expectBase64(field);
      }
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return null;
}

function readArrayValue(item: unknown, depth: number): AttributeValue[] {
  const values = expectObject(item)['values'];
  if (values === null || values === undefined) return [];
  try {
    return readArray(values, (value) => readAnyValue(value, depth));
  } catch (error) {
    throw atPath(error, 'values');
  }
}

function readKeyValueList(item: unknown, depth: number): Attributes {
  const values = expectObject(item)['values'];
  const result: Attributes = {};
  if (values === null || values === undefined) return result;
  try {
    readAttributesInto(result, values, depth);
  } catch (error) {
    throw atPath(error, 'values');
  }
  return result;
}
