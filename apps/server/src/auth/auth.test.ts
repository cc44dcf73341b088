import { describe, expect, it } from 'vitest';
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
  it('blocks an email+address after 5 failures for the rest of the window, and forgets on success', () => {
    const limiter = new LoginLimiter(5, 60_000);
    for (let i = 0; i < 5; i++) limiter.recordFailure('A@x.io', '1.2.3.4', 1_000);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 2_000)).toBe(59);
    expect(limiter.retryAfterSeconds('a@x.io', '5.6.7.8', 2_000)).toBe(0);
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 61_001)).toBe(0);
    limiter.recordSuccess('a@x.io', '1.2.3.4');
    expect(limiter.retryAfterSeconds('a@x.io', '1.2.3.4', 2_000)).toBe(0);
  });
});
