import type { Attributes } from '@driftwatch/contracts';
import { OtlpDecodeError, atPath } from '../errors.js';
import { readAttributesInto } from './any-value.js';
import { INEXACT_INTEGER, expectObject, expectString, readArray } from './values.js';

/**
 * The OTLP/JSON envelope every export request shares, whatever the signal (trace, logs):
 *   { resource<Signal>: [{ resource: { attributes },
 *                          scope<Signal>: [{ scope: { name, version }, <items>: [] }] }] }
 * Keys are given as [camelCase, snake_case]; both spellings are accepted.
 */
export type JsonKeys = readonly [camel: string, snake: string];

export interface ResourceGroup<T> {
  resource: Attributes;
  scopeGroups: T[];
}

export interface ScopeGroup<T> {
  scope: { name: string; version: string };
  items: T[];
}

/**
 * Parses `text` and reads its resource list with `readResource`. 64-bit integers written as JSON numbers
 * beyond 2^53 are kept exact: the body is parsed again with a reviver that reads their source digits (only
 * when such a number is met, so the common path parses once).
 */
export function decodeJsonExportRequest<T>(
  text: string,
  keys: JsonKeys,
  readResource: (item: unknown) => T,
): T[] {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`invalid JSON: ${reason}`, '', { cause: error });
  }
  try {
    return readRequest(root, keys, readResource);
  } catch (error) {
    if (error !== INEXACT_INTEGER) throw error;
  }
  return readRequest(JSON.parse(text, keepIntegersExact), keys, readResource);
}

function keepIntegersExact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? BigInt(source) : BigInt(value);
}

function readRequest<T>(item: unknown, [camel, snake]: JsonKeys, readResource: (item: unknown) => T): T[] {
  const json = expectObject(item);
  const resources = json[camel] ?? json[snake];
  if (resources === null || resources === undefined) return [];
  try {
    return readArray(resources, readResource);
  } catch (error) {
    throw atPath(error, json[camel] === undefined ? snake : camel);
  }
}

/** One Resource<Signal>: its resource attributes and its scope groups, each read by `readScopeGroup`. */
export function readResourceGroup<T>(
  item: unknown,
  [camel, snake]: JsonKeys,
  readScopeGroup: (item: unknown) => T,
): ResourceGroup<T> {
  const json = expectObject(item);
  const group: ResourceGroup<T> = { resource: {}, scopeGroups: [] };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === camel || name === snake) group.scopeGroups = readArray(value, readScopeGroup);
      else if (name === 'resource') readResourceInto(group.resource, value);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return group;
}

/** One Scope<Signal>: its scope name and version, and its items, each read by `readItem`. */
export function readScopeGroup<T>(
  item: unknown,
  [camel, snake]: JsonKeys,
  readItem: (item: unknown) => T,
): ScopeGroup<T> {
  const json = expectObject(item);
  const group: ScopeGroup<T> = { scope: { name: '', version: '' }, items: [] };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === camel || name === snake) group.items = readArray(value, readItem);
      else if (name === 'scope') group.scope = readScope(value);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return group;
}

function readResourceInto(target: Attributes, item: unknown): void {
  const attributes = expectObject(item)['attributes'];
  if (attributes === null || attributes === undefined) return;
  try {
    readAttributesInto(target, attributes, 0);
  } catch (error) {
    throw atPath(error, 'attributes');
  }
}

function readScope(item: unknown): ScopeGroup<unknown>['scope'] {
  const json = expectObject(item);
  const scope = { name: '', version: '' };
  let name = '';
  try {
    for (name in json) {
      const value = json[name];
      if (value === null || value === undefined) continue;
      if (name === 'name') scope.name = expectString(value);
      else if (name === 'version') scope.version = expectString(value);
    }
  } catch (error) {
    throw atPath(error, name);
  }
  return scope;
}
