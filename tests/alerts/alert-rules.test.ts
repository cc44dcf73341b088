import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../dashboard/support/world.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { hexId } from '../support/otlp-payloads.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_PASSWORD = 'admin-password-for-rule-tests';
let server: DriftwatchServer;
let receiver: WebhookReceiver;
let admin: string;

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  server = await DriftwatchServer.start({
    env: {
      DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
      DRIFTWATCH_ALERTS_POLL_MS: '200',
      DRIFTWATCH_ALERTS_RULES_INTERVAL_MS: '300',
      DRIFTWATCH_DASHBOARD_URL: 'http://127.0.0.1:3999',
    },
  });
  admin = await World.login(server.url, { email: 'admin@localhost', password: ADMIN_PASSWORD });
});
afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
});

const call = (method: string, path: string, body?: unknown) =>
  World.call(server.url, admin, method, path, body);

/** Model calls as an OTel GenAI instrumentation exports them; `errors` of them failed. */
async function sendModelCalls(
  total: number,
  errors: number,
  model = 'gpt-4o-mini',
  user?: { id: string; inputTokens: number },
): Promise<void> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attributes = [
    ['gen_ai.operation.name', 'chat'],
    ['gen_ai.provider.name', 'openai'],
    ['gen_ai.request.model', model],
  ].map(([key, value]) => ({ key, value: { stringValue: value } }));
  const spans = Array.from({ length: total }, (_, i) => ({
    traceId: hexId(16),
    spanId: hexId(8),
    name: `chat ${model}`,
    kind: 3,
    startTimeUnixNano: (now - 1_000_000_000n).toString(),
    endTimeUnixNano: now.toString(),
    attributes: [
      ...attributes,
      ...(user ? [{ key: 'user.id', value: { stringValue: user.id } }] : []),
      { key: 'gen_ai.usage.input_tokens', value: { intValue: String(user?.inputTokens ?? 10) } },
      { key: 'gen_ai.usage.output_tokens', value: { intValue: '5' } },
    ],
    status: i < errors ? { code: 2, message: 'upstream 500' } : {},
  }));
  const body = JSON.stringify({
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'it' }, spans }] }],
  });
  const response = await server.fetch('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(response.status).toBe(200);
}

/** A signed-webhook destination to `to`, whose receiver verifies with its secret. */
async function webhookTo(to: WebhookReceiver, name: string): Promise<{ id: string }> {
  const response = await call('POST', '/api/projects/default/alert-destinations', {
    name,
    kind: 'webhook',
    url: to.url,
  });
  expect(response.status).toBe(201);
  const hook = (await response.json()) as { id: string; signingSecret: string };
  to.setSecret(hook.signingSecret);
  return hook;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('metric rules from live traffic', () => {
  it('alerts once when the error rate passes the threshold, with the numbers and a link', async () => {
    const hook = await webhookTo(receiver, 'h');
    const bad = await call('POST', '/api/projects/default/alert-rules', {
      name: 'x',
      metric: 'error_rate',
      threshold: 20,
      windowMinutes: 5,
      destinationIds: [hook.id],
    });
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringMatching(/fraction/)]);
    const unknown = await call('POST', '/api/projects/default/alert-rules', {
      name: 'x',
      metric: 'error_rate',
      threshold: 0.2,
      windowMinutes: 5,
      destinationIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.status).toBe(400);
    const created = await call('POST', '/api/projects/default/alert-rules', {
      name: 'checkout errors',
      metric: 'error_rate',
      threshold: 0.2,
      windowMinutes: 5,
      destinationIds: [hook.id],
    });
    expect(created.status).toBe(201);

    await sendModelCalls(10, 1);
    // Evaluations pass at 10 % errors: nothing is sent.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.received).toEqual([]);

    await sendModelCalls(10, 9);
    const alert = await waitFor('the threshold alert', () => receiver.received.find((r) => r.verified));
    expect(alert.payload).toMatchObject({
      type: 'metric.threshold',
      data: {
        title: 'Error rate above 20.0 % (checkout errors)',
        summary: 'Error rate 50.0 % over the last 5 min; the rule "checkout errors" fires above 20.0 %.',
        link: 'http://127.0.0.1:3999/traces?project=default&status=error',
      },
    });
    // More evaluations while it keeps firing send nothing more.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.received.map((r) => r.id)).toEqual([alert.id]);
    expect(receiver.acknowledgedIds()).toEqual([alert.id]);
  });

  it('a rule flapping inside its cooldown sends one firing and one resolution; the rest is logged as suppressed', async () => {
    const flapReceiver = await new WebhookReceiver().start();
    try {
      const hook = await webhookTo(flapReceiver, 'flap hook');
      const rule = {
        name: 'flappy errors',
        metric: 'error_rate',
        threshold: 0.5,
        windowMinutes: 5,
        model: 'flappy-model',
        destinationIds: [hook.id],
      };
      for (const cooldownMinutes of [2.5, -1, 24 * 60 + 1]) {
        const bad = await call('POST', '/api/projects/default/alert-rules', { ...rule, cooldownMinutes });
        expect([bad.status, await bad.text()]).toEqual([400, expect.stringContaining('cooldownMinutes')]);
      }
      const created = await call('POST', '/api/projects/default/alert-rules', rule);
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ name: 'flappy errors', cooldownMinutes: 15 });

      const types = () => flapReceiver.received.map((r) => (r.payload as { type: string }).type);
      const log = async () =>
        (
          (await (
            await call('GET', `/api/projects/default/alert-destinations/${hook.id}/deliveries`)
          ).json()) as { items: Array<{ outcome: string; attempt: number; error: string }> }
        ).items;
      const untilLog = async (what: string, done: (items: Awaited<ReturnType<typeof log>>) => boolean) => {
        const deadline = Date.now() + 60_000;
        while (!done(await log())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };

      await sendModelCalls(10, 9, 'flappy-model'); // 90 % errors: fires
      await waitFor('the firing', () => (types().includes('metric.threshold') ? true : undefined));
      await sendModelCalls(20, 0, 'flappy-model'); // 9 / 30: resolves
      await waitFor('the resolution', () => (types().includes('metric.resolved') ? true : undefined));
      await sendModelCalls(30, 30, 'flappy-model'); // 39 / 60: above again, inside the cooldown
      await untilLog('the suppressed firing', (items) => items.some((d) => d.outcome === 'suppressed'));
      await sendModelCalls(60, 0, 'flappy-model'); // 39 / 120: back under
      await untilLog(
        'the suppressed resolution',
        (items) => items.filter((d) => d.outcome === 'suppressed').length === 2,
      );
      // Evaluations go on: nothing more is sent or recorded.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(types()).toEqual(['metric.threshold', 'metric.resolved']);
      expect(flapReceiver.received.every((r) => r.verified)).toBe(true);
      const suppressed = (await log()).filter((d) => d.outcome === 'suppressed');
      expect(suppressed.map((d) => [d.attempt, d.error])).toEqual([
        [0, expect.stringMatching(/^not sent: back under within the 15 min cooldown/)],
        [0, expect.stringMatching(/^not sent: above the threshold again within the 15 min cooldown/)],
      ]);
      expect((await log()).filter((d) => d.outcome === 'delivered')).toHaveLength(2);
    } finally {
      await flapReceiver.stop();
    }
  });

  it("alerts when one user's cost passes the limit, for that user only, naming the user", async () => {
    const userReceiver = await new WebhookReceiver().start();
    try {
      const hook = await webhookTo(userReceiver, 'spend hook');
      const created = await call('POST', '/api/projects/default/alert-rules', {
        name: 'spend per user',
        metric: 'user_cost_usd',
        threshold: 0.1,
        windowMinutes: 60,
        model: 'gpt-4o-mini',
        destinationIds: [hook.id],
      });
      expect(created.status).toBe(201);
      // gpt-4o-mini input is priced $0.15 per 1M tokens: ada spends 10 x 100k tokens ($0.15), bob 1 x 100k ($0.015).
      await sendModelCalls(10, 0, 'gpt-4o-mini', { id: 'user-ada', inputTokens: 100_000 });
      await sendModelCalls(1, 0, 'gpt-4o-mini', { id: 'user-bob', inputTokens: 100_000 });
      const alert = await waitFor('the per-user alert', () => userReceiver.received.find((r) => r.verified));
      expect(alert.payload).toMatchObject({
        type: 'metric.threshold',
        data: {
          title: 'Cost of one user above $0.100 (spend per user)',
          dimension: { name: 'user', value: 'user-ada' },
          link: expect.stringContaining('userId=user-ada'),
        },
      });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(userReceiver.received).toHaveLength(1);
    } finally {
      await userReceiver.stop();
    }
  });
});
