/**
 * Refusals in plain words through the real server: which field, what is allowed; account emails accepted as
 * sign-in accepts them (admin@localhost), refused with an example when they are not emails at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';

const ADMIN = { email: 'admin@localhost', password: 'admin-password-for-plain-errors' };
let server: DriftwatchServer;
let cookie: string;

beforeAll(async () => {
  server = await DriftwatchServer.start({ env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password } });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function createUser(email: string): Promise<{ status: number; message?: string }> {
  const response = await fetch(`${server.url}/api/users`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({
      email,
      password: 'a-long-enough-password',
      role: 'viewer',
      projects: ['default'],
    }),
  });
  return { status: response.status, ...((await response.json()) as { message?: string }) };
}

describe('plain errors', () => {
  it('names the field and what it allows for a bad query', async () => {
    const response = await server.fetch('/api/traces?status=broken&limit=9999');
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    expect(message).toContain('status: must be one of ok, error');
    expect(message).toContain('limit: must be at most 500');
    expect(message).not.toMatch(/Invalid option|Too big/);
  });

  it('accepts a local-domain email like the one sign-in uses, and refuses a non-email with an example', async () => {
    const created = await createUser('ops@localhost');
    expect(created.status).toBe(201);
    const signIn = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@localhost', password: 'a-long-enough-password' }),
    });
    expect(signIn.status).toBe(200);
    const refused = await createUser('not an email');
    expect(refused.status).toBe(400);
    expect(refused.message).toContain('email: must be an email address like name@example.com');
  });
});
