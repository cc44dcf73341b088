import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';
import { World } from './support/world.js';

const ADMIN_PASSWORD = 'admin-password-for-api-tests';
let server: DriftwatchServer;
let admin: string;

beforeAll(async () => {
  server = await DriftwatchServer.start({ env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  admin = await World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
});
afterAll(async () => {
  await server?.stop();
});

const call = (
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => World.call(server.url, cookie, method, path, body, headers);

async function userWith(role: string, projects: string[]): Promise<string> {
  const email = `${role}-${Math.random().toString(36).slice(2)}@example.test`;
  const password = `${role}-password-123`;
  expect((await call(admin, 'POST', '/api/users', { email, password, role, projects })).status).toBe(201);
  return World.login(server.url, { email, password });
}

describe('sign-in, sessions and roles over the REST API', () => {
  it('sets an HttpOnly SameSite=Lax session cookie, Secure only behind https', async () => {
    const body = JSON.stringify({ email: 'admin@localhost', password: ADMIN_PASSWORD });
    const headers = { 'content-type': 'application/json' };
    const plain = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers, body });
    expect(plain.headers.get('set-cookie')).toMatch(
      /^dw_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
    const https = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { ...headers, 'x-forwarded-proto': 'https' },
      body,
    });
    expect(https.headers.get('set-cookie')).toMatch(/; Secure$/);
    const me = (await (await call(admin, 'GET', '/api/auth/me')).json()) as { role: string; user: object };
    expect(me.role).toBe('admin');
    expect(JSON.stringify(me)).not.toContain('scrypt');
  });

  it('answers 401 without credentials and revokes the session on logout', async () => {
    expect((await fetch(`${server.url}/api/traces`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/auth/me`)).status).toBe(401);
    const cookie = await World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
    expect((await call(cookie, 'GET', '/api/traces')).status).toBe(200);
    expect((await call(cookie, 'POST', '/api/auth/logout')).status).toBe(204);
    expect((await call(cookie, 'GET', '/api/traces')).status).toBe(401);
  });

  it('rate-limits failed sign-ins per email and address with 429 and Retry-After', async () => {
    const attempt = () =>
      fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong' }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('checks the role on every route: viewer reads, member reads, only admin changes', async () => {
    const viewer = await userWith('viewer', ['default']);
    const member = await userWith('member', ['default']);
    for (const cookie of [viewer, member]) {
      expect((await call(cookie, 'GET', '/api/traces')).status).toBe(200);
      expect((await call(cookie, 'GET', '/api/metrics/summary')).status).toBe(200);
      expect((await call(cookie, 'GET', '/api/projects/default/api-keys')).status).toBe(200);
      expect((await call(cookie, 'POST', '/api/projects/default/api-keys', { name: 'x' })).status).toBe(403);
      expect((await call(cookie, 'PATCH', '/api/projects/default', { name: 'x' })).status).toBe(403);
      expect((await call(cookie, 'GET', '/api/users')).status).toBe(403);
      expect((await call(cookie, 'POST', '/api/projects', { id: 'x', name: 'x' })).status).toBe(403);
    }
    const outsider = await userWith('member', ['other-project']);
    expect((await call(outsider, 'GET', '/api/traces?project=default')).status).toBe(403);
    expect((await call(outsider, 'GET', '/api/projects/default/api-keys')).status).toBe(403);
    const projects = (await (await call(outsider, 'GET', '/api/projects')).json()) as {
      items: Array<{ id: string }>;
    };
    expect(projects.items.map((p) => p.id)).toEqual(['other-project']);
  });

  it('lets a project API key read only its project and nothing of administration', async () => {
    const key = server.apiKey;
    expect((await server.fetch('/api/traces')).status).toBe(200);
    expect((await server.fetch('/api/traces?project=other-project')).status).toBe(403);
    expect((await server.fetch('/api/users')).status).toBe(403);
    expect((await server.fetch('/api/projects/default/api-keys', { method: 'POST' }, key)).status).toBe(403);
  });

  it('creates a key shown once, ingests with it, and refuses it once revoked', async () => {
    const created = (await (
      await call(admin, 'POST', '/api/projects/default/api-keys', { name: 'temp' })
    ).json()) as {
      key: string;
      prefix: string;
    };
    const send = () =>
      server.fetch(
        '/v1/traces',
        {
          method: 'POST',
          body: otlpProtobuf([simpleSpan()]),
          headers: { 'content-type': 'application/x-protobuf' },
        },
        created.key,
      );
    expect((await send()).status).toBe(200);
    const list = await (await call(admin, 'GET', '/api/projects/default/api-keys')).text();
    expect(list).toContain(created.prefix);
    expect(list).not.toContain(created.key);
    expect((await call(admin, 'DELETE', `/api/projects/default/api-keys/${created.prefix}`)).status).toBe(
      204,
    );
    expect((await send()).status).toBe(401);
  });

  it('documents the account routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of ['/api/auth/login', '/api/users/{id}', '/api/projects/{id}/api-keys/{prefix}'])
      expect(Object.keys(doc.paths)).toContain(path);
  });
});
