import type { AttributeValue, Attributes } from '@driftwatch/contracts';
import { MAX_VALUE_DEPTH, setAttribute } from '../attributes.js';
import { OtlpDecodeError } from '../errors.js';
import type { Reader } from './wire.js';
import { readCachedString } from './string-cache.js';
import { enter, fieldMask, leave, located, readBase64, readInt64, segment, skipField } from './wire.js';

// opentelemetry/proto/common/v1/common.proto
//   KeyValue      { string key = 1; AnyValue value = 2; }
//   AnyValue      { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
//                   double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6;
//                   bytes bytes_value = 7; } }
//   ArrayValue    { repeated AnyValue values = 1; }
//   KeyValueList  { repeated KeyValue values = 1; }
// Tags below are (field << 3) | wire type.
const KEY_VALUE_FIELDS = fieldMask(1, 2);
const KEY_VALUE_NAMES = ['', 'key', 'value'];
const ANY_VALUE_FIELDS = fieldMask(1, 2, 3, 4, 5, 6, 7);
const ANY_VALUE_NAMES = [
  '',
  'string_value',
  'bool_value',
  'int_value',
  'double_value',
  'array_value',
  'kvlist_value',
  'bytes_value',
];
const VALUES_FIELDS = fieldMask(1);

/**
 * Reads one length-delimited KeyValue and stores it in `target`. A missing or empty value is null;
 * int_value is a number when safe, otherwise an exact decimal string; bytes_value is base64.
 */
export function readKeyValueInto(reader: Reader, target: Attributes, depth: number): void {
  const outer = enter(reader);
  let key = '';
  let value: AttributeValue = null;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) key = readCachedString(reader);
      else if (tag === 18) value = readAnyValue(reader, depth);
      else skipField(reader, tag, KEY_VALUE_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(KEY_VALUE_NAMES, tag));
  }
  leave(reader, outer);
  setAttribute(target, key, value);
}

/**
 * Reads one length-delimited AnyValue (an empty one is null). With several oneof members present, the last
 * one wins. `depth` counts the array/kvlist levels above it (0 for attribute values and log bodies).
 */
export function readAnyValue(reader: Reader, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH)
    throw new OtlpDecodeError(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const outer = enter(reader);
  let value: AttributeValue = null;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      switch (tag) {
        case 10:
          value = reader.string();
          break;
        case 16:
          value = reader.bool();
          break;
        case 24:
          value = readInt64(reader);
          break;
        case 33:
          value = reader.double();
          break;
        case 42:
          value = readArrayValue(reader, depth + 1);
          break;
        case 50:
          value = readKeyValueList(reader, depth + 1);
          break;
        case 58:
          value = readBase64(reader);
          break;
        default:
          skipField(reader, tag, ANY_VALUE_FIELDS);
      }
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(ANY_VALUE_NAMES, tag));
  }
  leave(reader, outer);
  return value;
}

function readArrayValue(reader: Reader, depth: number): AttributeValue[] {
  const outer = enter(reader);
  const values: AttributeValue[] = [];
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) values.push(readAnyValue(reader, depth));
      else skipField(reader, tag, VALUES_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(['', 'values'], tag, tag === 10 ? values.length : -1));
  }
  leave(reader, outer);
  return values;
}

function readKeyValueList(reader: Reader, depth: number): Attributes {
  const outer = enter(reader);
  const values: Attributes = {};
  let count = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) {
        readKeyValueInto(reader, values, depth);
        count++;
      } else skipField(reader, tag, VALUES_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(['', 'values'], tag, tag === 10 ? count : -1));
  }
  leave(reader, outer);
  return values;
}
