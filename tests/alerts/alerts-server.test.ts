import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { FakeSlack } from '../support/fake-slack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_PASSWORD = 'admin-password-for-alert-tests';
/** Fast polling and retries; leases short enough that a crashed notifier's claim expires within the test. */
const ENV = {
  DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
  DRIFTWATCH_ALERTS_POLL_MS: '200',
  DRIFTWATCH_ALERTS_LEASE_MS: '5000',
  DRIFTWATCH_ALERTS_RETRY_BASE_MS: '200',
  DRIFTWATCH_ALERTS_TIMEOUT_MS: '4000',
};
const BASE = '/api/projects/default/alert-destinations';

interface Delivery {
  notificationId: string;
  attempt: number;
  outcome: string;
  statusCode: number | null;
}

let slack: FakeSlack;
let receiver: WebhookReceiver;
const servers: DriftwatchServer[] = [];

beforeAll(async () => {
  slack = await new FakeSlack().start();
  receiver = await new WebhookReceiver().start();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop('SIGKILL');
});
afterAll(async () => {
  await slack?.stop();
  await receiver?.stop();
});

async function start(env: Record<string, string> = {}) {
  const server = await DriftwatchServer.start({ env: { ...ENV, ...env } });
  servers.push(server);
  const admin = await World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
  const call = (method: string, path: string, body?: unknown, cookie = admin) =>
    World.call(server.url, cookie, method, path, body);
  return { server, admin, call };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('alert destinations over the REST API', () => {
  it('returns the signing secret once, never the URL or secret afterwards, and checks input and roles', async () => {
    const { server, call } = await start();
    const created = await call('POST', BASE, { name: 'ops hook', kind: 'webhook', url: receiver.url });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; signingSecret: string; urlHint: string };
    expect(body.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(body.urlHint).toBe(`${new URL(receiver.url).origin}/…`);
    const slackDest = (await (
      await call('POST', BASE, { name: 'chan', kind: 'slack', url: slack.url })
    ).json()) as {
      signingSecret?: string;
    };
    expect(slackDest.signingSecret).toBeUndefined();
    const listed = await (await call('GET', BASE)).text();
    expect(listed).toContain(body.id);
    for (const secret of [body.signingSecret, '/hooks/driftwatch', 'secretTOKEN123'])
      expect(listed).not.toContain(secret);

    const bad = await call('POST', BASE, { name: 'x', kind: 'webhook', url: 'file:///etc/passwd' });
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringMatching(/url/)]);
    const metadata = await call('POST', BASE, { name: 'x', kind: 'webhook', url: 'http://169.254.169.254/' });
    expect([metadata.status, await metadata.text()]).toEqual([400, expect.stringMatching(/link-local/)]);
    expect((await call('POST', BASE, { name: 'x', kind: 'email', url: receiver.url })).status).toBe(400);

    const viewerEmail = 'viewer@example.test';
    await call('POST', '/api/users', {
      email: viewerEmail,
      password: 'viewer-password-1',
      role: 'viewer',
      projects: ['default'],
    });
    const viewer = await World.login(server.url, { email: viewerEmail, password: 'viewer-password-1' });
    expect((await call('GET', BASE, undefined, viewer)).status).toBe(200);
    expect((await call('POST', BASE, { name: 'v', kind: 'slack', url: slack.url }, viewer)).status).toBe(403);
    expect((await call('POST', `${BASE}/${body.id}/test`, undefined, viewer)).status).toBe(403);
    expect((await call('DELETE', `${BASE}/${body.id}`, undefined, viewer)).status).toBe(403);

    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([BASE.replace('default', '{id}'), '/api/projects/{id}/alert-rules']),
    );

    expect((await call('DELETE', `${BASE}/${body.id}`)).status).toBe(204);
    expect((await call('DELETE', `${BASE}/${body.id}`)).status).toBe(404);
    expect(server.output.join('')).not.toContain('secretTOKEN123');
    expect(server.output.join('')).not.toContain(body.signingSecret);
  });

  it('sends a test message through the outbox: signed webhook verified, Slack retried after 429 and 500', async () => {
    const { call } = await start();
    const hook = (await (
      await call('POST', BASE, { name: 'h', kind: 'webhook', url: receiver.url })
    ).json()) as {
      id: string;
      signingSecret: string;
    };
    receiver.setSecret(hook.signingSecret);
    const sent = await call('POST', `${BASE}/${hook.id}/test`);
    expect(sent.status).toBe(202);
    const { notificationId } = (await sent.json()) as { notificationId: string };
    await waitFor('the signed test webhook', () =>
      receiver.acknowledgedIds().includes(notificationId) ? true : undefined,
    );
    const hookLog = await waitFor('the delivery log', async () => {
      const { items } = (await (await call('GET', `${BASE}/${hook.id}/deliveries`)).json()) as {
        items: Delivery[];
      };
      return items.length > 0 ? items : undefined;
    });
    expect(hookLog).toMatchObject([{ notificationId, attempt: 1, outcome: 'delivered', statusCode: 204 }]);

    const chan = (await (await call('POST', BASE, { name: 'c', kind: 'slack', url: slack.url })).json()) as {
      id: string;
    };
    slack.answerNext(
      { status: 429, retryAfterSeconds: 1, body: 'rate_limited' },
      { status: 500, body: 'oops' },
    );
    const before = slack.deliveries.length;
    const test = (await (await call('POST', `${BASE}/${chan.id}/test`)).json()) as { notificationId: string };
    const tries = await waitFor('three Slack tries', async () => {
      const { items } = (await (await call('GET', `${BASE}/${chan.id}/deliveries`)).json()) as {
        items: Delivery[];
      };
      return items.some((d) => d.outcome === 'delivered') ? items : undefined;
    });
    expect(tries.map((d) => [d.notificationId, d.attempt, d.outcome, d.statusCode])).toEqual([
      [test.notificationId, 3, 'delivered', 200],
      [test.notificationId, 2, 'retryable', 500],
      [test.notificationId, 1, 'retryable', 429],
    ]);
    const received = slack.deliveries.slice(before);
    expect(received.map((d) => [d.status, d.problem])).toEqual([
      [429, null],
      [500, null],
      [200, null],
    ]);
  });
});

describe('alerts survive a crash', () => {
  it('delivers a notification recorded by a process killed before any notifier ran', async () => {
    const { server, call } = await start({ DRIFTWATCH_ROLES: 'ingest,writer,api' });
    const hook = (await (
      await call('POST', BASE, { name: 'h', kind: 'webhook', url: receiver.url })
    ).json()) as {
      id: string;
      signingSecret: string;
    };
    receiver.setSecret(hook.signingSecret);
    const { notificationId } = (await (await call('POST', `${BASE}/${hook.id}/test`)).json()) as {
      notificationId: string;
    };
    expect(await server.stop('SIGKILL')).toBeNull();
    expect(receiver.received.some((r) => r.id === notificationId)).toBe(false);
    await server.launchWith({ DRIFTWATCH_ROLES: 'ingest,writer,api,notifier' });
    await waitFor('delivery after the restart', () =>
      receiver.acknowledgedIds().includes(notificationId) ? true : undefined,
    );
  });

  it('sends again, with the same webhook-id, what was being sent when the process was killed', async () => {
    const { server, call } = await start();
    const hook = (await (
      await call('POST', BASE, { name: 'h', kind: 'webhook', url: receiver.url })
    ).json()) as {
      id: string;
      signingSecret: string;
    };
    receiver.setSecret(hook.signingSecret);
    receiver.holdNext();
    const { notificationId } = (await (await call('POST', `${BASE}/${hook.id}/test`)).json()) as {
      notificationId: string;
    };
    await waitFor('the send in flight', () =>
      receiver.received.some((r) => r.id === notificationId && r.answered === 'held') ? true : undefined,
    );
    expect(await server.stop('SIGKILL')).toBeNull();
    await server.launch();
    await waitFor('the resend', () =>
      receiver.acknowledgedIds().includes(notificationId) ? true : undefined,
    );
    const copies = receiver.received.filter((r) => r.id === notificationId);
    expect(copies.map((c) => [c.verified, c.answered])).toEqual([
      [true, 'held'],
      [true, 204],
    ]);
  });
});
