import type { Attributes } from '@driftwatch/contracts';
import { readKeyValueInto } from './any-value.js';
import type { Reader } from './wire.js';
import { createReader, enter, fieldMask, leave, located, segment, skipField } from './wire.js';

// The envelope every OTLP export request shares, whatever the signal (trace, logs):
//   Export<Signal>ServiceRequest { repeated Resource<Signal> resource_<signal> = 1; }
//   Resource<Signal>             { Resource resource = 1; repeated Scope<Signal> scope_<signal> = 2;
//                                  string schema_url = 3; }
//   Scope<Signal>                { InstrumentationScope scope = 1; repeated <Item> <items> = 2;
//                                  string schema_url = 3; }
//   Resource                     { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2;
//                                  ... }
//   InstrumentationScope         { string name = 1; string version = 2; repeated KeyValue attributes = 3;
//                                  uint32 dropped_attributes_count = 4; }
// Tags below are (field << 3) | wire type. Unknown fields (e.g. the retired instrumentation_library_spans = 1000,
// Resource.entity_refs = 3) are skipped by wire type.
const REQUEST_FIELDS = fieldMask(1);
const GROUP_FIELDS = fieldMask(1, 2, 3);
const RESOURCE_FIELDS = fieldMask(1, 2);
const RESOURCE_NAMES = ['', 'attributes', 'dropped_attributes_count'];
const SCOPE_FIELDS = fieldMask(1, 2, 3, 4);
const SCOPE_NAMES = ['', 'name', 'version', 'attributes', 'dropped_attributes_count'];

export type ReadMessage<T> = (reader: Reader) => T;

export interface ResourceGroup<T> {
  resource: Attributes;
  scopeGroups: T[];
}

export interface ScopeGroup<T> {
  scope: { name: string; version: string };
  items: T[];
}

/**
 * Decodes the top-level request: every field-1 entry read by `readResource`; `name` is the proto name of
 * that field (`resource_spans`), used in error paths.
 */
export function decodeExportRequest<T>(bytes: Uint8Array, name: string, readResource: ReadMessage<T>): T[] {
  const reader = createReader(bytes);
  const resources: T[] = [];
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) resources.push(readResource(reader));
      else skipField(reader, tag, REQUEST_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(['', name], tag, tag === 10 ? resources.length : -1));
  }
  return resources;
}

/** One length-delimited Resource<Signal>; `names` are its proto field names for error paths. */
export function readResourceGroup<T>(
  reader: Reader,
  names: readonly string[],
  readScopeGroup: ReadMessage<T>,
): ResourceGroup<T> {
  const group: ResourceGroup<T> = { resource: {}, scopeGroups: [] };
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) readResourceInto(reader, group.resource);
      else if (tag === 18) group.scopeGroups.push(readScopeGroup(reader));
      else if (tag === 26) reader.skip(reader.size());
      else skipField(reader, tag, GROUP_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(names, tag, tag === 18 ? group.scopeGroups.length : -1));
  }
  leave(reader, outer);
  return group;
}

/** One length-delimited Scope<Signal>; `names` are its proto field names for error paths. */
export function readScopeGroup<T>(
  reader: Reader,
  names: readonly string[],
  readItem: ReadMessage<T>,
): ScopeGroup<T> {
  const group: ScopeGroup<T> = { scope: { name: '', version: '' }, items: [] };
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 18) group.items.push(readItem(reader));
      else if (tag === 10) readScopeInto(reader, group.scope);
      else if (tag === 26) reader.skip(reader.size());
      else skipField(reader, tag, GROUP_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(names, tag, tag === 18 ? group.items.length : -1));
  }
  leave(reader, outer);
  return group;
}

/** Merges a Resource's attributes into `attributes` (a repeated Resource merges, as protobuf says). */
function readResourceInto(reader: Reader, attributes: Attributes): void {
  const outer = enter(reader);
  let attributeCount = 0;
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) {
        readKeyValueInto(reader, attributes, 0);
        attributeCount++;
      } else if (tag === 16) reader.skip();
      else skipField(reader, tag, RESOURCE_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(RESOURCE_NAMES, tag, tag === 10 ? attributeCount : -1));
  }
  leave(reader, outer);
}

function readScopeInto(reader: Reader, scope: ScopeGroup<unknown>['scope']): void {
  const outer = enter(reader);
  let tag = 0;
  try {
    while (reader.pos < reader.len) {
      tag = reader.tag();
      if (tag === 10) scope.name = reader.string();
      else if (tag === 18) scope.version = reader.string();
      else if (tag === 26)
        reader.skip(reader.size()); // scope attributes: not kept
      else if (tag === 32) reader.skip();
      else skipField(reader, tag, SCOPE_FIELDS);
      tag = 0;
    }
  } catch (error) {
    throw located(error, segment(SCOPE_NAMES, tag));
  }
  leave(reader, outer);
}
