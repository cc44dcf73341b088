import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { clientAddress } from './client-address.js';
import { HashBudget } from './hash-budget.js';
import { LoginLimiter } from './login-limiter.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only, with salt and parameters in the stored form', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hashPassword('correct horse battery')).not.toBe(stored);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
    expect(await verifyPassword('anything', DUMMY_HASH)).toBe(false);
    expect(await verifyPassword('anything', 'garbage')).toBe(false);
  });
});

describe('LoginLimiter', () => {
  const limits = { pairFreeFailures: 5, accountFreeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 60_000 };

  it('delays an email+address after 5 failures, doubling per failure, and forgets on success', () => {
    const limiter = new LoginLimiter(limits);
    for (let i = 0; i < 5; i++) limiter.recordFailure('A@x.io', '1.2.3.4', 1_000);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 1_000)).toBe(1);
    expect(limiter.retryAfterSeconds('a@x.io', '5.6.7.8', 1_000)).toBe(0);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 2_000)).toBe(0);
    limiter.recordFailure('a@x.io', '1.2.3.4', 2_000);
    limiter.recordFailure('a@x.io', '1.2.3.4', 2_000);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 2_000)).toBe(4);
    limiter.recordSuccess('a@x.io', '1.2.3.4', 2_500);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 2_500)).toBe(0);
  });

  it('never delays longer than maxDelayMs, however long the attack', () => {
    const limiter = new LoginLimiter({ ...limits, addressFailures: 1_000 });
    for (let i = 0; i < 200; i++) limiter.recordFailure('a@x.io', '1.2.3.4', 1_000);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 1_000)).toBe(60);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 61_000)).toBe(0);
  });

  it('delays the account over all addresses, except addresses that signed in to it before', () => {
    const limiter = new LoginLimiter(limits);
    limiter.recordSuccess('a@x.io', '10.0.0.1', 0);
    for (let i = 0; i < 20; i++) limiter.recordFailure('a@x.io', `203.0.113.${i}`, 1_000);
    expect(limiter.retryAfterSeconds('a@x.io', '198.51.100.7', 1_000)).toBe(1);
    expect(limiter.retryAfterSeconds('a@x.io', '10.0.0.1', 1_000)).toBe(0);
    expect(limiter.retryAfterSeconds('b@x.io', '198.51.100.7', 1_000)).toBe(0);
  });

  it('limits failures per address over all accounts (password spraying)', () => {
    const limiter = new LoginLimiter({ ...limits, addressFailures: 10, addressWindowMs: 60_000 });
    for (let i = 0; i < 10; i++) limiter.recordFailure(`u${i}@x.io`, '1.2.3.4', 1_000 + i);
    expect(limiter.retryAfterSeconds('new@x.io', '1.2.3.4', 2_000)).toBe(59);
    expect(limiter.retryAfterSeconds('new@x.io', '1.2.3.5', 2_000)).toBe(0);
    expect(limiter.retryAfterSeconds('new@x.io', '1.2.3.4', 61_001)).toBe(0);
  });

  it('stays bounded in memory', () => {
    const limiter = new LoginLimiter({ ...limits, maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) limiter.recordFailure(`u${i}@x.io`, `10.0.${i >> 8}.${i & 255}`, 1_000);
    for (let i = 0; i < 5; i++) limiter.recordFailure('last@x.io', '9.9.9.9', 1_000);
    expect(limiter.retryAfterSeconds('last@x.io', '9.9.9.9', 1_000)).toBe(1);
    expect(limiter.retryAfterSeconds('u0@x.io', '10.0.0.0', 1_000)).toBe(0);
  });
});

describe('HashBudget', () => {
  it('runs at most `concurrency` at once and refuses past the rate with the seconds to wait', async () => {
    let now = 0;
    const budget = new HashBudget(2, 1, () => now);
    let release!: () => void;
    const first = budget.run(() => new Promise<string>((r) => (release = () => r('done'))));
    expect(await budget.run(async () => 'second')).toEqual({ ok: false, retryAfterS: 1 });
    release();
    expect(await first).toEqual({ ok: true, value: 'done' });
    // burst of 4 (twice the rate): 1 spent above, 3 left
    for (let i = 0; i < 3; i++) expect((await budget.run(async () => i)).ok).toBe(true);
    expect(await budget.run(async () => 'x')).toEqual({ ok: false, retryAfterS: 1 });
    now += 500;
    expect(await budget.run(async () => 'refilled')).toEqual({ ok: true, value: 'refilled' });
  });
});

describe('clientAddress', () => {
  const request = (ip: string, headers: Record<string, string>) =>
    ({ ip, headers }) as unknown as FastifyRequest;
  const secret = 's'.repeat(40);

  it('is the socket address unless the dashboard proves itself with the shared secret', () => {
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), secret)).toBe(
      '127.0.0.1',
    );
    expect(
      clientAddress(
        request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9', 'x-driftwatch-proxy-secret': 'wrong' }),
        secret,
      ),
    ).toBe('127.0.0.1');
    expect(
      clientAddress(
        request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9', 'x-driftwatch-proxy-secret': secret }),
        secret,
      ),
    ).toBe('203.0.113.9');
    expect(
      clientAddress(
        request('127.0.0.1', { 'x-forwarded-for': 'nonsense', 'x-driftwatch-proxy-secret': secret }),
        secret,
      ),
    ).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', { 'x-driftwatch-proxy-secret': '' }), null)).toBe('127.0.0.1');
  });
});
