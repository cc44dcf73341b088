// A problem detected from traffic reaches a Slack-compatible server and a signed webhook receiver once each, with
// a working link, by the routes that match it (and not by those that do not); its resolution is told once too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { type Call, HOUR, hourOfCalls, sendCalls } from '../detection/support.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { FakeSlack } from '../support/fake-slack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_PASSWORD = 'admin-password-for-problem-alerts';
const DASHBOARD = 'http://127.0.0.1:3999';
const T = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
let server: DriftwatchServer;
let slack: FakeSlack;
let receiver: WebhookReceiver;
let admin: string;

const call = (method: string, path: string, body?: unknown) =>
  World.call(server.url, admin, method, path, body);

async function created<T>(response: Response): Promise<T> {
  const text = await response.text();
  expect([response.status, text]).toEqual([201, expect.anything()]);
  return JSON.parse(text) as T;
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ofType = (type: string) =>
  receiver.received.filter((r) => (r.payload as { type: string }).type === type);
const slackTitles = () =>
  slack.deliveries.map((d) => JSON.stringify(d.payload)).filter((text) => text.includes('gpt-4o-mini'));

beforeAll(async () => {
  slack = await new FakeSlack().start();
  receiver = await new WebhookReceiver().start();
  server = await DriftwatchServer.start({
    env: {
      DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
      DRIFTWATCH_ALERTS_POLL_MS: '200',
      DRIFTWATCH_ALERTS_PROBLEMS_INTERVAL_MS: '300',
      DRIFTWATCH_DASHBOARD_URL: DASHBOARD,
    },
  });
  admin = await World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
  const calls: Call[] = [];
  for (let h = 3; h >= 1; h--) {
    calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o-mini', 80, 800, h));
    calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o', 80, 1200, 10 + h));
  }
  // In the current hour gpt-4o-mini's latency doubles; gpt-4o's does not move.
  calls.push(...hourOfCalls(T, 'gpt-4o-mini', 80, 1600, 20), ...hourOfCalls(T, 'gpt-4o', 80, 1200, 21));
  await sendCalls(server, calls);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await slack?.stop();
  await receiver?.stop();
});

describe('problem alerts', () => {
  it('tells a latency problem once per destination, with the numbers and a link, and its resolution once', async () => {
    const hook = await created<{ id: string; signingSecret: string }>(
      await call('POST', '/api/projects/default/alert-destinations', {
        name: 'hook',
        kind: 'webhook',
        url: receiver.url,
      }),
    );
    receiver.setSecret(hook.signingSecret);
    const channel = await created<{ id: string }>(
      await call('POST', '/api/projects/default/alert-destinations', {
        name: 'slack',
        kind: 'slack',
        url: slack.url,
      }),
    );
    await created(
      await call('POST', '/api/projects/default/alert-routes', {
        name: 'latency of the small model',
        kinds: ['latency'],
        dimension: 'model',
        value: 'gpt-4o-mini',
        destinationIds: [hook.id, channel.id],
      }),
    );
    // A second route to the same hook: the hook still gets each message once.
    await created(
      await call('POST', '/api/projects/default/alert-routes', { name: 'all', destinationIds: [hook.id] }),
    );
    // A route that matches nothing here.
    await created(
      await call('POST', '/api/projects/default/alert-routes', {
        name: 'errors only',
        kinds: ['error_rate'],
        destinationIds: [channel.id],
      }),
    );
    const settings = await call('PUT', '/api/projects/default/detectors', {
      windowMs: HOUR,
      baselineWindows: 3,
      dimensions: ['model'],
    });
    expect(settings.status).toBe(200);

    const run = await call('POST', '/api/detectors/run', {
      from: new Date(T).toISOString(),
      to: new Date(T + HOUR).toISOString(),
    });
    expect(run.status).toBe(200);
    const { items } = (await (await call('GET', '/api/problems?kind=latency')).json()) as {
      items: { id: string; value: string }[];
    };
    const problem = items.find((p) => p.value === 'gpt-4o-mini');
    expect(problem).toBeDefined();

    await until(
      'the opened message at both destinations',
      () => ofType('problem.opened').length > 0 && slackTitles().length > 0,
    );
    const [opened] = ofType('problem.opened');
    expect(opened!.verified).toBe(true);
    expect(opened!.payload).toMatchObject({
      type: 'problem.opened',
      data: {
        title: expect.stringContaining('gpt-4o-mini'),
        dimension: { name: 'model', value: 'gpt-4o-mini' },
        link: `${DASHBOARD}/problems/${problem!.id}?project=default`,
      },
    });
    expect(slack.deliveries.every((d) => d.problem === null)).toBe(true);
    // The Block Kit message: title, severity and slice, the key figures with a text sparkline, the link.
    type Block = {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { url?: string }[];
    };
    const { blocks } = slack.deliveries[0]!.payload as { blocks: Block[] };
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    expect(blocks[0]!.text!.text).toContain('gpt-4o-mini');
    expect(blocks[1]!.text!.text).toMatch(/(warning|critical)\* {2}· {2}\*model:\* gpt-4o-mini/);
    const figures = Object.fromEntries(
      blocks[2]!.fields!.map((f) => f.text.split('\n') as [string, string]).map(([k, v]) => [k, v]),
    );
    expect(Object.keys(figures)).toEqual([
      '*Baseline*',
      '*Now*',
      '*Change*',
      '*Traffic*',
      '*Severity*',
      '*Trend*',
    ]);
    // gpt-4o-mini's p95 roughly doubled (800 ms -> 1600 ms of jittered calls).
    const ratio = Number(figures['*Now*']) / Number(figures['*Baseline*']);
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.4);
    expect(figures['*Trend*']).toMatch(/^[▁▂▃▄▅▆▇█]{2,}$/);
    expect(blocks[3]!.elements![0]!.url).toBe(`${DASHBOARD}/problems/${problem!.id}?project=default`);

    // Later evaluations, and a forced re-run of the same window, send nothing more.
    const rerun = await call('POST', '/api/detectors/run', {
      from: new Date(T).toISOString(),
      to: new Date(T + HOUR).toISOString(),
      rerun: true,
    });
    expect(rerun.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ofType('problem.opened')).toHaveLength(1);
    expect(slackTitles()).toHaveLength(1);
    expect(receiver.received.map((r) => (r.payload as { type: string }).type)).not.toContain(
      'problem.reminder',
    );

    const resolved = await call('POST', `/api/problems/${problem!.id}/resolve`);
    expect(resolved.status).toBe(200);
    await until(
      'the resolved message at both destinations',
      () => ofType('problem.resolved').length > 0 && slackTitles().length > 1,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect(ofType('problem.resolved')).toHaveLength(1);
    expect(ofType('problem.resolved')[0]!.payload).toMatchObject({
      data: { title: expect.stringMatching(/^Resolved: /), severity: 'info' },
    });
    expect(slackTitles()).toHaveLength(2);
    // Nothing else reached Slack (the error-rate route matched no problem).
    expect(slack.deliveries).toHaveLength(2);

    // Where it was sent, as the problem page reads it: each message to each destination, once, delivered.
    const path = `/api/problems/${problem!.id}/notifications`;
    type Sent = {
      destinationId: string;
      destinationName: string;
      destinationKind: string;
      transition: string;
      state: string;
      attempts: number;
      lastStatusCode: number | null;
      lastAttemptAt: string | null;
    };
    const answer = await call('GET', path);
    const text = await answer.text();
    expect(answer.status).toBe(200);
    const listed = (JSON.parse(text) as { items: Sent[] }).items;
    const rows = listed.map((n) => [n.destinationName, n.destinationKind, n.transition, n.state, n.attempts]);
    expect(rows.sort()).toEqual([
      ['hook', 'webhook', 'opened', 'sent', 1],
      ['hook', 'webhook', 'resolved', 'sent', 1],
      ['slack', 'slack', 'opened', 'sent', 1],
      ['slack', 'slack', 'resolved', 'sent', 1],
    ]);
    // The receivers' answers: Slack's 200 "ok", the webhook receiver's 204.
    for (const n of listed) {
      expect(n.lastStatusCode).toBe(n.destinationKind === 'slack' ? 200 : 204);
      expect(Date.parse(n.lastAttemptAt!)).toBeGreaterThan(0);
    }
    // Never the URLs (Slack's holds its token) or the signing secret.
    for (const secret of [receiver.url, slack.url, 'secretTOKEN123', hook.signingSecret, 'whsec_'])
      expect(text).not.toContain(secret);

    // A viewer of the project reads it too; a member of another project does not find the problem there.
    const viewer = { email: 'viewer@problem-alerts.test', password: 'viewer-password-1' };
    expect(
      (await call('POST', '/api/users', { ...viewer, role: 'viewer', projects: ['default'] })).status,
    ).toBe(201);
    const outsider = { email: 'outsider@problem-alerts.test', password: 'outsider-password-1' };
    const other = { ...outsider, role: 'member', projects: ['other-project'] };
    expect((await call('POST', '/api/users', other)).status).toBe(201);
    const asViewer = await World.call(server.url, await World.login(server.url, viewer), 'GET', path);
    expect(asViewer.status).toBe(200);
    expect(((await asViewer.json()) as { items: Sent[] }).items).toHaveLength(4);
    const outsiderCookie = await World.login(server.url, outsider);
    const elsewhere = await World.call(server.url, outsiderCookie, 'GET', path, undefined, {
      'x-driftwatch-project': 'other-project',
    });
    expect(elsewhere.status).toBe(404);
    expect(
      (
        await World.call(server.url, outsiderCookie, 'GET', path, undefined, {
          'x-driftwatch-project': 'default',
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', `/api/problems/${'0'.repeat(32)}/notifications`)).status).toBe(404);
    expect((await call('GET', '/api/problems/not-an-id/notifications')).status).toBe(400);
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
    };
    expect(doc.paths['/api/problems/{problemId}/notifications']?.get?.responses).toHaveProperty(['200']);
  });
});
