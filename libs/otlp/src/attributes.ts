import type { AttributeValue, Attributes } from '@driftwatch/contracts';

/**
 * Sets one attribute; a later duplicate key wins, as in the OTel SDKs. The key `__proto__` is defined as
 * an own property instead of being assigned, which would replace the object's prototype.
 */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Nesting limit for array/kvlist values; deeper input is rejected instead of exhausting the stack. */
export const MAX_VALUE_DEPTH = 64;
