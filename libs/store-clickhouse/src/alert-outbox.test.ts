import { outboxContract } from '@driftwatch/contract-tests';
import { isRetryable, type SecretCipher } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { currentHolder } from './alert-lease.js';
import { ClickHouseAlertDestinationStore } from './alert-destination-store.js';
import { ClickHouseOutbox } from './alert-outbox.js';
import { migrate } from './migrate.js';
import { embeddedForTests } from './test-support.js';

async function fresh() {
  const { client, database } = embeddedForTests();
  await migrate(client, { database, retentionDays: 30 });
  return { client, database, outbox: new ClickHouseOutbox(client, database) };
}

outboxContract('ClickHouse on chDB', async () => (await fresh()).outbox);

describe('currentHolder', () => {
  const row = (claimant: string, atMs: number, leaseMs = 1000) => ({
    claimant,
    leasedAtMicros: atMs * 1000,
    leaseMs,
  });

  it('keeps the first live lease whoever reads, and passes on after it expires', () => {
    expect(currentHolder([row('b', 5), row('a', 0)])).toBe('a');
    expect(currentHolder([row('a', 0), row('b', 999)])).toBe('a');
    expect(currentHolder([row('a', 0), row('b', 1000)])).toBe('b');
    expect(currentHolder([row('a', 0), row('b', 1000), row('c', 1500)])).toBe('b');
    expect(currentHolder([row('b', 7), row('a', 7)])).toBe('a');
    expect(currentHolder([])).toBeNull();
  });
});

describe('ClickHouseAlertDestinationStore on chDB', () => {
  /** Reversible but not plain: enough to see that the store seals and opens with its context. */
  const cipher: SecretCipher = {
    seal: (plain, context) => `sealed:${Buffer.from(`${context}|${plain}`).toString('hex')}`,
    open: (sealed, context) => {
      const [ctx, plain] = Buffer.from(sealed.slice(7), 'hex').toString().split('|');
      if (ctx !== context) throw new Error('wrong context');
      return plain!;
    },
  };

  it('keeps URL and secret sealed, lists only hints, and forgets removed destinations', async () => {
    const { client, database } = await fresh();
    const store = new ClickHouseAlertDestinationStore(client, database, cipher);
    const url = 'https://hooks.slack.com/services/T1/B2/secretTOKEN';
    const created = await store.create({
      projectId: 'p1',
      kind: 'webhook',
      name: 'ops',
      url,
      signingSecret: 'whsec_c2VjcmV0',
      enabled: true,
    });
    expect(created.urlHint).toBe('https://hooks.slack.com/…');
    const listed = await store.list('p1');
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain('secretTOKEN');
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect(await store.list('p2')).toEqual([]);
    expect(await store.get('p2', created.destinationId)).toBeNull();
    const full = await store.get('p1', created.destinationId);
    expect([full?.url, full?.signingSecret, full?.kind]).toEqual([url, 'whsec_c2VjcmV0', 'webhook']);
    const raw = await client.query({
      query: `SELECT * FROM ${database}.alert_destinations`,
      format: 'JSONEachRow',
    });
    expect(JSON.stringify(await raw.json())).not.toContain('secretTOKEN');
    const wrongKey = new ClickHouseAlertDestinationStore(client, database, {
      ...cipher,
      open: () => {
        throw new Error('unable to authenticate data');
      },
    });
    const error = await wrongKey.get('p1', created.destinationId).catch((e: unknown) => e);
    expect([(error as Error).message, isRetryable(error)]).toEqual([
      expect.stringMatching(/DRIFTWATCH_SECRET_KEY/),
      false,
    ]);
    expect(await store.remove('p2', created.destinationId)).toBe(false);
    expect(await store.remove('p1', created.destinationId)).toBe(true);
    expect(await store.list('p1')).toEqual([]);
    expect(await store.get('p1', created.destinationId)).toBeNull();
  });
});
