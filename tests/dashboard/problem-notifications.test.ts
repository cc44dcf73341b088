// The problem page shows where the problem was sent, in Chromium against the real server: a latency problem
// detected from past OTLP spans is routed to a Slack-compatible server (which rate-limits the first try), a signed
// webhook receiver and a Slack-compatible server in an outage (503 until the retry period is over: failed); a
// viewer follows the link of the message and reads each message, its destination, delivery, tries and last status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { type Call, HOUR, hourOfCalls, sendCalls } from '../detection/support.js';
import { FakeSlack } from '../support/fake-slack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { launchChromium, screenshot, signIn } from './support/browser.js';
import { ADMIN, VIEWER, World } from './support/world.js';

const T = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

interface Sent {
  destinationName: string;
  transition: string;
  state: string;
  attempts: number;
  lastStatusCode: number | null;
}

let world: World;
let browser: Browser;
let slack: FakeSlack;
let outage: FakeSlack;
let receiver: WebhookReceiver;
let problemId: string;

beforeAll(async () => {
  slack = await new FakeSlack().start();
  outage = await new FakeSlack().start();
  outage.answerNext(...Array.from({ length: 200 }, () => ({ status: 503, body: 'service_unavailable' })));
  receiver = await new WebhookReceiver().start();
  world = await World.start({
    DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
    DRIFTWATCH_ALERTS_POLL_MS: '200',
    DRIFTWATCH_ALERTS_PROBLEMS_INTERVAL_MS: '300',
    DRIFTWATCH_ALERTS_RETRY_BASE_MS: '200',
    DRIFTWATCH_ALERTS_RETRY_MAX_MS: '1000',
    // Long enough for the rate-limited Slack's second try, short enough for the outage to end in failure.
    DRIFTWATCH_ALERTS_RETRY_PERIOD_MS: '6000',
    DRIFTWATCH_DASHBOARD_URL: 'http://dashboard.example',
  });
  const cookie = await World.login(world.server.url, ADMIN);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await World.call(world.server.url, cookie, method, path, body);
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const hook = await call<{ id: string; signingSecret: string }>(
    'POST',
    '/api/projects/default/alert-destinations',
    { name: 'pager bridge', kind: 'webhook', url: receiver.url },
  );
  receiver.setSecret(hook.signingSecret);
  const channel = await call<{ id: string }>('POST', '/api/projects/default/alert-destinations', {
    name: '#llm-alerts',
    kind: 'slack',
    url: slack.url,
  });
  const down = await call<{ id: string }>('POST', '/api/projects/default/alert-destinations', {
    name: '#down',
    kind: 'slack',
    url: outage.url,
  });
  await call('POST', '/api/projects/default/alert-routes', {
    name: 'latency',
    kinds: ['latency'],
    destinationIds: [hook.id, channel.id, down.id],
  });
  // Slack rate-limits the first message: it is sent again after Retry-After.
  slack.answerNext({ status: 429, retryAfterSeconds: 1 });
  await call('PUT', '/api/projects/default/detectors', {
    windowMs: HOUR,
    baselineWindows: 3,
    dimensions: ['model'],
  });
  const calls: Call[] = [];
  for (let h = 3; h >= 1; h--) calls.push(...hourOfCalls(T - h * HOUR, 'gpt-4o-mini', 80, 800, h));
  calls.push(...hourOfCalls(T, 'gpt-4o-mini', 80, 1600, 20));
  await sendCalls(world.server, calls);
  await call('POST', '/api/detectors/run', { from: iso(T), to: iso(T + HOUR) });
  const { items } = await call<{ items: { id: string }[] }>(
    'GET',
    '/api/problems?kind=latency&dimension=model&value=gpt-4o-mini',
  );
  expect(items).toHaveLength(1);
  problemId = items[0]!.id;
  // Every destination's opened message is done (sent, or failed for the one in an outage) before the page is read.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const sent = await call<{ items: Sent[] }>('GET', `/api/problems/${problemId}/notifications`);
    if (sent.items.length === 3 && sent.items.every((n) => n.state !== 'pending')) break;
    if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(sent.items)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
  await slack?.stop();
  await outage?.stop();
  await receiver?.stop();
});

describe('problem page: where it was sent', () => {
  it('a viewer sees each message with its destination, delivery, tries and last status, never a URL', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await signIn(page, world.dashboard.url, VIEWER.email, VIEWER.password);
    // The link of the message opens the problem page (its path and query, on this test's dashboard).
    const [opened] = receiver.received;
    const link = new URL((opened!.payload as { data: { link: string } }).data.link);
    expect(link.origin).toBe('http://dashboard.example');
    await page.goto(`${world.dashboard.url}${link.pathname}${link.search}`);
    await page.getByRole('heading', { level: 1, name: /gpt-4o-mini/ }).waitFor();
    const table = page.getByRole('table', { name: 'Notifications of this problem' });
    await table.getByRole('row', { name: /#llm-alerts/ }).waitFor();
    await table.getByRole('row', { name: /pager bridge/ }).waitFor();
    const cells = async (name: RegExp) =>
      (await table.getByRole('row', { name }).getByRole('cell').allTextContents()).map((t) => t.trim());
    // Destination, kind, message, recorded (a time), delivery, tries, last status.
    const slackRow = await cells(/#llm-alerts/);
    expect([...slackRow.slice(0, 3), ...slackRow.slice(4)]).toEqual([
      '#llm-alerts',
      'Slack',
      'Opened',
      'sent',
      '2',
      '200',
    ]);
    const hookRow = await cells(/pager bridge/);
    expect([...hookRow.slice(0, 3), ...hookRow.slice(4)]).toEqual([
      'pager bridge',
      'Webhook',
      'Opened',
      'sent',
      '1',
      '204',
    ]);
    // The outage: tried until the retry period was over, then marked failed, with Slack's last answer.
    const downRow = await cells(/#down/);
    expect([...downRow.slice(0, 3), downRow[4], downRow[6]]).toEqual([
      '#down',
      'Slack',
      'Opened',
      'failed',
      '503',
    ]);
    expect(Number(downRow[5])).toBe(outage.deliveries.length);
    expect(outage.deliveries.length).toBeGreaterThanOrEqual(2);
    // What the receivers saw agrees: Slack was asked twice (429, then 200), the hook once, verified.
    expect(slack.deliveries.map((d) => d.status)).toEqual([429, 200]);
    expect(receiver.received.map((r) => [r.verified, (r.payload as { type: string }).type])).toEqual([
      [true, 'problem.opened'],
    ]);
    const html = await page.content();
    for (const secret of [slack.url, 'secretTOKEN123', receiver.url, 'whsec_'])
      expect(html).not.toContain(secret);
    await screenshot(page, 'problem-page-notifications');
    await context.close();
  });
});
