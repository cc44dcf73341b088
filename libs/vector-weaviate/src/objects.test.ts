import { describe, expect, it } from 'vitest';
import { objectId, tenantOf } from './objects.js';

describe('Weaviate object ids and tenants', () => {
  it('gives a call the same id on every upsert, and request and response different ones', () => {
    const call = { projectId: 'shop', spanId: 'a1b2c3d4e5f60718', field: 'request' as const };
    expect(objectId(call)).toBe(objectId({ ...call }));
    expect(objectId(call)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(objectId({ ...call, field: 'response' })).not.toBe(objectId(call));
    expect(objectId({ ...call, projectId: 'other' })).not.toBe(objectId(call));
  });

  it('maps every project to its own valid tenant name', () => {
    expect(tenantOf('shop-eu_1')).toBe('p-shop-eu_1');
    const odd = ['team/a', 'team a', 'é', 'x'.repeat(61)].map(tenantOf);
    for (const name of odd) expect(name).toMatch(/^h-[0-9a-f]{40}$/);
    expect(new Set(odd).size).toBe(odd.length);
    // A project literally named like a hashed tenant still gets a distinct tenant.
    expect(tenantOf(odd[0]!.slice(2))).not.toBe(odd[0]);
  });
});
