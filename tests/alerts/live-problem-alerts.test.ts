// The "done when", end to end on its own: traffic of the last completed hour, the detector role finding the
// problem on its interval (no manual run), and the notifier telling a Slack-compatible server and a signed webhook
// receiver once each, with a link to the problem's page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { type Call, HOUR, hourOfCalls, sendCalls } from '../detection/support.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { FakeSlack } from '../support/fake-slack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_PASSWORD = 'admin-password-for-live-problem-alerts';
const DASHBOARD = 'http://127.0.0.1:3999';
let server: DriftwatchServer;
let slack: FakeSlack;
let receiver: WebhookReceiver;

const login = () => World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  slack = await new FakeSlack().start();
  receiver = await new WebhookReceiver().start();
  // First without the detector role: the traffic is all in before the detector looks at its windows.
  server = await DriftwatchServer.start({
    env: {
      DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DRIFTWATCH_ROLES: 'ingest,writer,api,notifier',
      DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
      DRIFTWATCH_ALERTS_POLL_MS: '200',
      DRIFTWATCH_ALERTS_PROBLEMS_INTERVAL_MS: '300',
      DRIFTWATCH_DETECTOR_INTERVAL_MS: '300',
      DRIFTWATCH_DETECTOR_SETTLE_MS: '0',
      DRIFTWATCH_DASHBOARD_URL: DASHBOARD,
    },
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await slack?.stop();
  await receiver?.stop();
});

describe('a problem from live traffic', () => {
  it('reaches Slack and a signed webhook once each, found by the detector role on its own', async () => {
    const admin = await login();
    const call = (method: string, path: string, body?: unknown) =>
      World.call(server.url, admin, method, path, body);
    const created = async (path: string, body: unknown) => {
      const response = await call('POST', path, body);
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; signingSecret: string };
    };
    const hook = await created('/api/projects/default/alert-destinations', {
      name: 'hook',
      kind: 'webhook',
      url: receiver.url,
    });
    receiver.setSecret(hook.signingSecret);
    const channel = await created('/api/projects/default/alert-destinations', {
      name: 'slack',
      kind: 'slack',
      url: slack.url,
    });
    await created('/api/projects/default/alert-routes', {
      name: 'latency',
      kinds: ['latency'],
      destinationIds: [hook.id, channel.id],
    });
    const settings = await call('PUT', '/api/projects/default/detectors', {
      windowMs: HOUR,
      baselineWindows: 3,
      dimensions: ['model'],
    });
    expect(settings.status).toBe(200);
    // The last completed hour: gpt-4o-mini's latency doubles against the three hours before it.
    const last = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const calls: Call[] = [];
    for (let h = 3; h >= 1; h--) calls.push(...hourOfCalls(last - h * HOUR, 'gpt-4o-mini', 80, 800, h));
    calls.push(...hourOfCalls(last, 'gpt-4o-mini', 80, 1600, 20));
    await sendCalls(server, calls);

    await server.stop('SIGTERM');
    await server.launchWith({ DRIFTWATCH_ROLES: 'ingest,writer,api,notifier,detector' });
    await until(
      'the opened message at both destinations',
      () => receiver.received.length > 0 && slack.deliveries.length > 0,
    );
    const [opened] = receiver.received;
    expect(opened!.verified).toBe(true);
    const data = (opened!.payload as { data: { link: string; dimension: unknown } }).data;
    expect(data.dimension).toEqual({ name: 'model', value: 'gpt-4o-mini' });
    const [, problemId] = new RegExp(`^${DASHBOARD}/problems/([0-9a-f]{32})\\?project=default$`).exec(
      data.link,
    )!;
    const problem = await World.call(server.url, await login(), 'GET', `/api/problems/${problemId}`);
    expect(problem.status).toBe(200);
    expect(await problem.json()).toMatchObject({ kind: 'latency', value: 'gpt-4o-mini', status: 'open' });
    expect(slack.deliveries[0]!.problem).toBeNull();
    expect(JSON.stringify(slack.deliveries[0]!.payload)).toContain(data.link);
    // The detector and the router go on every 300 ms: nothing more is sent.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.received.map((r) => r.id)).toEqual([opened!.id]);
    expect(slack.deliveries).toHaveLength(1);
  });
});
