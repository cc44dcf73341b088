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
    expect(JSON.stringify(slack.deliveries[0]!.payload)).toContain(`/problems/${problem!.id}`);

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
  });
});
