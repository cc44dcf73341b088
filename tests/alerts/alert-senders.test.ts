import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressGuard, HttpAlertSender, newWebhookSecret } from '@driftwatch/alerts';
import type { AlertDestination, AlertNotification } from '@driftwatch/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../support/fake-slack.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const loopbackAllowed = new AddressGuard(['127.0.0.1']);
const sender = (guard = loopbackAllowed, timeoutMs = 5_000) =>
  new HttpAlertSender({ guard, timeoutMs, maxResponseBytes: 64 * 1024, userAgent: 'test' });

const destination = (kind: 'slack' | 'webhook', url: string, signingSecret = ''): AlertDestination => ({
  destinationId: 'd1',
  projectId: 'default',
  kind,
  name: 'ops',
  url,
  signingSecret,
  urlHint: '',
  enabled: true,
  createdAt: new Date().toISOString(),
});

const problem: AlertNotification = {
  notificationId: 'msg_2f1c0b7e',
  projectId: 'default',
  destinationId: 'd1',
  createdAt: new Date().toISOString(),
  message: {
    type: 'problem.opened',
    title: `p95 latency of gpt-4o-mini doubled <in prod> & ${'very '.repeat(60)}long`,
    severity: 'critical',
    summary: `p95 latency 2.1 s, was 0.8 s over the previous 7 days. ${'Details. '.repeat(600)}`,
    dimension: { name: 'model', value: 'gpt-4o-mini' },
    figures: Array.from({ length: 12 }, (_, i) => ({ label: `figure ${i}`, value: `${i * 1.5} s` })),
    link: 'http://localhost:3000/problems/abc?project=default',
    occurredAt: new Date().toISOString(),
  },
};

let slack: FakeSlack;
let receiver: WebhookReceiver;
beforeAll(async () => {
  slack = await new FakeSlack().start();
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await slack?.stop();
  await receiver?.stop();
});

describe('Slack incoming webhooks', () => {
  it('sends a Block Kit message Slack accepts, within its limits, with the numbers and the link', async () => {
    const outcome = await sender().send(destination('slack', slack.url), problem);
    expect(outcome).toMatchObject({ status: 'delivered', statusCode: 200 });
    const last = slack.deliveries.at(-1)!;
    expect(last.problem).toBeNull();
    const text = JSON.stringify(last.payload);
    expect(text).toContain('2.1 s, was 0.8 s');
    expect(text).toContain('gpt-4o-mini');
    expect(text).toContain('http://localhost:3000/problems/abc?project=default');
    expect(text).toContain('&lt;in prod&gt; &amp;');
  });

  it('retries after Slack rate-limits (429 with Retry-After) or fails (5xx), and gives up on a 404', async () => {
    slack.answerNext(
      { status: 429, retryAfterSeconds: 7, body: 'rate_limited' },
      { status: 503, body: 'service_unavailable' },
      { status: 404, body: 'no_service' },
    );
    const target = destination('slack', slack.url);
    expect(await sender().send(target, problem)).toMatchObject({
      status: 'retryable',
      statusCode: 429,
      retryAfterMs: 7_000,
      error: 'HTTP 429: rate_limited',
    });
    expect(await sender().send(target, problem)).toMatchObject({ status: 'retryable', statusCode: 503 });
    expect(await sender().send(target, problem)).toMatchObject({
      status: 'permanent',
      statusCode: 404,
      error: 'HTTP 404: no_service',
    });
  });

  it('does not name the URL (a credential) in errors', async () => {
    slack.answerNext({ status: 500, body: 'internal_error' });
    const outcome = await sender().send(destination('slack', slack.url), problem);
    expect(outcome.status === 'retryable' && outcome.error).not.toContain('secretTOKEN123');
  });
});

describe('Standard Webhooks', () => {
  it('signs so that the reference Webhook.verify accepts it, with the same webhook-id on every resend', async () => {
    const secret = newWebhookSecret(randomBytes);
    receiver.setSecret(secret);
    const target = destination('webhook', receiver.url, secret);
    expect(await sender().send(target, problem)).toMatchObject({ status: 'delivered', statusCode: 204 });
    expect(await sender().send(target, problem)).toMatchObject({ status: 'delivered' });
    const [first, second] = receiver.received.slice(-2);
    expect([first?.verified, second?.verified]).toEqual([true, true]);
    expect([first?.id, second?.id]).toEqual([problem.notificationId, problem.notificationId]);
    expect(first?.payload).toMatchObject({
      type: 'problem.opened',
      data: { notificationId: problem.notificationId, projectId: 'default', severity: 'critical' },
    });
  });

  it('is refused by a receiver holding another secret (a permanent failure)', async () => {
    receiver.setSecret(newWebhookSecret(randomBytes));
    const target = destination('webhook', receiver.url, newWebhookSecret(randomBytes));
    expect(await sender().send(target, problem)).toMatchObject({ status: 'permanent', statusCode: 400 });
    expect(receiver.received.at(-1)?.verified).toBe(false);
  });
});

describe('the address guard on the wire', () => {
  it('refuses loopback and private receivers unless allow-listed, before any byte is sent', async () => {
    const before = slack.deliveries.length;
    const strict = sender(new AddressGuard([]));
    for (const url of [slack.url, slack.url.replace('127.0.0.1', 'localhost')]) {
      const outcome = await strict.send(destination('slack', url), problem);
      expect(outcome).toMatchObject({ status: 'permanent' });
      expect(outcome.status === 'permanent' && outcome.error).toMatch(/private, loopback or link-local/);
    }
    expect(slack.deliveries.length).toBe(before);
  });

  it('connects to the addresses it checked and never asks DNS again (no rebinding gap)', async () => {
    let answers = 0;
    // rebind.test exists only in this resolver: a second, system lookup at connect time would fail.
    const rebinding = new AddressGuard(['127.0.0.1'], async () => {
      answers += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    });
    const outcome = await sender(rebinding).send(
      destination('slack', slack.url.replace('127.0.0.1', 'rebind.test')),
      problem,
    );
    expect(outcome.status).toBe('delivered');
    expect(answers).toBe(1);
  });
});

describe('HTTP limits', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/redirect') res.writeHead(302, { location: `${base}/target` }).end();
      else if (req.url === '/hang')
        return; // never answers
      else if (req.url === '/endless') {
        res.writeHead(500);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      } else res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('does not follow redirects', async () => {
    const outcome = await sender().send(destination('slack', `${base}/redirect`), problem);
    expect(outcome).toMatchObject({ status: 'permanent', statusCode: 302 });
    expect(hits).not.toContain('/target');
  });

  it('stops reading an endless answer at the cap instead of waiting for its end', async () => {
    const outcome = await sender(loopbackAllowed, 60_000).send(
      destination('slack', `${base}/endless`),
      problem,
    );
    expect(outcome).toMatchObject({ status: 'retryable', statusCode: 500 });
    expect(outcome.status === 'retryable' && outcome.error.length).toBeLessThan(300);
  });

  it('gives up on a receiver that never answers after the timeout, as retryable', async () => {
    const outcome = await sender(loopbackAllowed, 300).send(destination('slack', `${base}/hang`), problem);
    expect(outcome).toMatchObject({ status: 'retryable', error: 'no answer within 300 ms' });
  });
});
