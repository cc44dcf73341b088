import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardApp } from '../dashboard/support/dashboard-app.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpProtobuf, simpleSpan } from '../support/otlp-payloads.js';

const ADMIN = { email: 'admin@localhost', password: 'admin-password-for-abuse-tests' };
const PROXY_SECRET = 'dashboard-and-server-share-this-secret-0123456789';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from a chosen loopback source address (127.0.0.0/8 all reach the server). */
function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; from?: string } = {},
): Promise<Answer> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: options.from ?? '127.0.0.1',
        headers: { 'content-type': 'application/json', ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const login = (
  baseUrl: string,
  who: { email: string; password: string },
  options: { headers?: Record<string, string>; from?: string } = {},
) => call(baseUrl, 'POST', '/api/auth/login', { ...options, body: JSON.stringify(who) });

const cookieOf = (answer: Answer) => String(answer.headers['set-cookie'] ?? '').split(';')[0]!;

async function createUser(
  baseUrl: string,
  adminCookie: string,
  email: string,
  password: string,
  role = 'member',
) {
  const created = await call(baseUrl, 'POST', '/api/users', {
    headers: { cookie: adminCookie },
    body: JSON.stringify({ email, password, role, projects: ['default'] }),
  });
  expect(created.status).toBe(201);
  return (JSON.parse(created.body) as { id: string }).id;
}

describe('sign-in abuse (default configuration: no trusted proxy, a dashboard secret)', () => {
  let server: DriftwatchServer;
  let admin: string;

  beforeAll(async () => {
    server = await DriftwatchServer.start({
      env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, DRIFTWATCH_PROXY_SECRET: PROXY_SECRET },
    });
    const signedIn = await login(server.url, ADMIN, { from: '127.0.0.9' });
    expect(signedIn.status).toBe(200);
    admin = cookieOf(signedIn);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gives no extra tries for a rotated X-Forwarded-For, nor for one with a wrong proxy secret', async () => {
    const victim = { email: 'rotate@example.test', password: 'the-real-password-1' };
    await createUser(server.url, admin, victim.email, victim.password);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const headers: Record<string, string> = { 'x-forwarded-for': `203.0.113.${i + 1}` };
      if (i % 2) headers['x-driftwatch-proxy-secret'] = 'a-guess-at-the-secret';
      statuses.push((await login(server.url, { ...victim, password: `guess-${i}` }, { headers })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
    const limited = await login(server.url, { ...victim, password: 'guess-x' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body).message).toMatch(/too many failed sign-ins/);
  });

  it('lets the real user in from another address, through the dashboard, and after the delay while an attacker hammers', async () => {
    const target = { email: 'target@example.test', password: 'the-real-password-2' };
    await createUser(server.url, admin, target.email, target.password);
    let attackerStatuses: number[] = [];
    let attacking = true;
    const attacker = (async () => {
      const seen: number[] = [];
      for (let i = 0; attacking && i < 200; i++) {
        const headers = { 'x-forwarded-for': `198.51.100.${i % 250}` };
        seen.push((await login(server.url, { ...target, password: `guess-${i}` }, { headers })).status);
      }
      attackerStatuses = seen;
    })();
    // Wait until the attacker is locked out, then sign in as the real user while the hammering goes on.
    while (attacking) {
      const probe = await login(server.url, { ...target, password: 'probe-from-attacker' });
      if (probe.status === 429) break;
    }
    const elsewhere = await login(server.url, target, { from: '127.0.0.2' });
    // The dashboard's proxy names its client (the secret proves it is the proxy): a different address.
    const viaDashboard = await login(server.url, target, {
      headers: { 'x-forwarded-for': '192.0.2.44', 'x-driftwatch-proxy-secret': PROXY_SECRET },
    });
    attacking = false;
    await attacker;
    expect(elsewhere.status).toBe(200);
    expect(viaDashboard.status).toBe(200);
    // 5 free tries, then one per doubling delay: 10 would take the attacker over 30 s.
    expect(attackerStatuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(attackerStatuses).toContain(429);

    // From the attacker's own address too, once the delay it was given has passed.
    const blocked = await login(server.url, target);
    expect(blocked.status).toBe(429);
    const waitS = Number(blocked.headers['retry-after']);
    expect(waitS).toBeGreaterThan(0);
    expect(waitS).toBeLessThanOrEqual(60);
    await new Promise((r) => setTimeout(r, waitS * 1000 + 100));
    expect((await login(server.url, target)).status).toBe(200);
  });

  it('ends the user’s other sessions when the password changes, keeping the changer’s own', async () => {
    const user = { email: 'rotated-password@example.test', password: 'first-password-123' };
    const userId = await createUser(server.url, admin, user.email, user.password);
    const phone = cookieOf(await login(server.url, user, { from: '127.0.0.3' }));
    const laptop = cookieOf(await login(server.url, user, { from: '127.0.0.4' }));
    const me = (cookie: string) => call(server.url, 'GET', '/api/auth/me', { headers: { cookie } });
    expect((await me(phone)).status).toBe(200);
    expect((await me(laptop)).status).toBe(200);
    const changed = await call(server.url, 'PATCH', `/api/users/${userId}`, {
      headers: { cookie: admin },
      body: JSON.stringify({ password: 'second-password-456' }),
    });
    expect(changed.status).toBe(200);
    expect((await me(phone)).status).toBe(401);
    expect((await me(laptop)).status).toBe(401);
    expect((await login(server.url, user, { from: '127.0.0.3' })).status).toBe(401);
    expect(
      (await login(server.url, { ...user, password: 'second-password-456' }, { from: '127.0.0.3' })).status,
    ).toBe(200);

    // An admin changing their own password stays signed in where they did it, and nowhere else.
    const second = { email: 'second-admin@example.test', password: 'second-admin-pass-1' };
    const secondId = await createUser(server.url, admin, second.email, second.password, 'admin');
    const here = cookieOf(await login(server.url, second, { from: '127.0.0.5' }));
    const there = cookieOf(await login(server.url, second, { from: '127.0.0.6' }));
    const own = await call(server.url, 'PATCH', `/api/users/${secondId}`, {
      headers: { cookie: here },
      body: JSON.stringify({ password: 'second-admin-pass-2' }),
    });
    expect(own.status).toBe(200);
    expect((await me(here)).status).toBe(200);
    expect((await me(there)).status).toBe(401);
  });

  it('answers 400 with a message for malformed sign-in bodies', async () => {
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['{"email":', 'application/json', /not valid JSON/],
      ['{"email": "a@b.c", "password": }', 'application/json', /not valid JSON/],
      ['"just a string"', 'application/json', /must be an object/],
      ['{"email": 5, "password": "x"}', 'application/json', /email/],
      ['{"email": "a@b.c", "password": "x", "admin": true}', 'application/json', /admin/],
      ['email=a@b.c&password=x', 'application/x-www-form-urlencoded', /body/],
    ];
    for (const [body, type, message] of cases) {
      const answer = await call(server.url, 'POST', '/api/auth/login', {
        body,
        headers: type ? { 'content-type': type } : {},
        from: '127.0.0.7',
      });
      expect(answer.status, body).toBe(400);
      expect((JSON.parse(answer.body) as { message: string }).message, body).toMatch(message);
    }
  });
});

describe('sign-in floods (spread over many addresses) against the global hashing budget', () => {
  let server: DriftwatchServer;

  beforeAll(async () => {
    // A trusted proxy on loopback lets this test speak for many client addresses, as a botnet would have.
    server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        DRIFTWATCH_TRUSTED_PROXIES: '127.0.0.1',
        DRIFTWATCH_PASSWORD_HASHES_PER_SECOND: '0.5',
        DRIFTWATCH_PASSWORD_HASH_CONCURRENCY: '1',
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses unknown-email sign-ins past the budget with 429 while an OTLP export still succeeds', async () => {
    const flood = Array.from({ length: 60 }, (_, i) =>
      login(
        server.url,
        { email: `nobody-${i}-${Math.random().toString(36).slice(2)}@example.test`, password: 'x' },
        { headers: { 'x-forwarded-for': `10.${i >> 8}.${i & 255}.7` } },
      ),
    );
    const spans = Array.from({ length: 200 }, () => simpleSpan());
    const exported = await server.fetch('/v1/traces', {
      method: 'POST',
      body: gzipSync(otlpProtobuf(spans)),
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' },
    });
    const answers = await Promise.all(flood);
    expect(exported.status).toBe(200);
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Budget: a burst of 1 and one more every 2 s; the unknown emails were hashed (401) only within it.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body).message).toMatch(/too many sign-ins on this server/);
    const stored = await server.json<{ items: unknown[] }>(
      `/api/traces?limit=500&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`,
    );
    expect(stored.items.length).toBe(200);
  });
});

describe('through the dashboard’s /api proxy (the built dashboard, `next start`)', () => {
  let server: DriftwatchServer;
  let dashboard: DashboardApp;

  beforeAll(async () => {
    server = await DriftwatchServer.start({
      env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, DRIFTWATCH_PROXY_SECRET: PROXY_SECRET },
    });
    // DashboardApp passes this process's environment on: the dashboard gets the secret as start.mjs gives it.
    process.env.DRIFTWATCH_PROXY_SECRET = PROXY_SECRET;
    try {
      dashboard = await DashboardApp.start(server.url);
    } finally {
      delete process.env.DRIFTWATCH_PROXY_SECRET;
    }
  });
  afterAll(async () => {
    await dashboard?.stop();
    await server?.stop();
  });

  it('limits sign-ins by the browser’s socket address, whatever X-Forwarded-For the browser sends', async () => {
    const admin = cookieOf(await login(server.url, ADMIN, { from: '127.0.0.9' }));
    const user = { email: 'via-dashboard@example.test', password: 'dashboard-user-pass-1' };
    await createUser(server.url, admin, user.email, user.password);
    const guess = (i: number) =>
      login(
        dashboard.url,
        { ...user, password: `guess-${i}` },
        {
          headers: { 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-driftwatch-peer': `forged 198.51.100.${i}` },
        },
      );
    // Every guess forges both headers afresh; the doubling delay is waited out until it is several seconds.
    const statuses: number[] = [];
    let waitS = 0;
    for (let i = 0; waitS < 6; i++) {
      expect(i).toBeLessThan(40);
      const answer = await guess(i);
      statuses.push(answer.status);
      if (answer.status !== 429) continue;
      waitS = Number(answer.headers['retry-after']);
      if (waitS < 6) await new Promise((r) => setTimeout(r, waitS * 1000 + 50));
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Another browser behind the same dashboard is another address to the server: not locked out with it.
    expect((await login(dashboard.url, user, { from: '127.0.0.2' })).status).toBe(200);
  });
});
