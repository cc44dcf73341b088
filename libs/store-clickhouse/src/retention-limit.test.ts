import { describe, expect, it } from 'vitest';
import { MAX_RETENTION_DAYS, renderDdl } from '@driftwatch/clickhouse-migrate';
import { embeddedForTests } from './test-support.js';

describe('retention limit', () => {
  it('refuses a retention whose TTL would wrap past 2106', () => {
    const options = { database: 'driftwatch', retentionDays: MAX_RETENTION_DAYS + 1 };
    expect(() => renderDdl('SELECT {retentionDays}', options)).toThrow(/from 1 to 25000/);
    expect(renderDdl('SELECT {retentionDays}', { ...options, retentionDays: MAX_RETENTION_DAYS })).toBe(
      'SELECT 25000',
    );
  });

  it('the largest retention still expires a row written now in the future (no DateTime wrap)', async () => {
    const { client } = embeddedForTests();
    const result = await client.query({
      query: `SELECT toDateTime(now()) + INTERVAL {days:UInt32} DAY > now() AS later`,
      query_params: { days: MAX_RETENTION_DAYS },
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ later: 1 }]);
  });
});
