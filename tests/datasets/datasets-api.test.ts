import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, login as loginAt, ok } from '../support/api-session.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpJson, simpleSpan } from '../support/otlp-payloads.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const ADMIN_PASSWORD = 'admin-password-for-dataset-tests';
let server: DriftwatchServer;
let receiver: WebhookReceiver;
const cookies = { admin: '', ada: '', viewer: '' };

const login = (email: string, password: string) => loginAt(server.url, email, password);
const call = (who: keyof typeof cookies, method: string, path: string, body?: unknown) =>
  callAs(server.url, cookies[who], method, path, body);

const conversations = [
  {
    system: 'You are the refunds desk.',
    question: 'Can I get a refund after 40 days?',
    answer: 'Yes, always.',
  },
  { system: 'You are the refunds desk.', question: 'How long does a refund take?', answer: 'About 5 days.' },
  { system: 'You are the refunds desk.', question: 'Do you ship to Mars?', answer: 'No.' },
];
const spans = conversations.map((c) =>
  simpleSpan({
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: c.system }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: c.question }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: c.answer }], finish_reason: 'stop' },
      ]),
    },
  }),
);

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
  server = await DriftwatchServer.start({
    env: {
      DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DRIFTWATCH_ALERTS_ALLOWED_HOSTS: '127.0.0.1',
      DRIFTWATCH_ALERTS_POLL_MS: '200',
    },
  });
  cookies.admin = await login('admin@localhost', ADMIN_PASSWORD);
  for (const [name, role] of [
    ['ada', 'member'],
    ['viewer', 'viewer'],
  ] as const) {
    const email = `${name}@example.test`;
    await ok(
      call('admin', 'POST', '/api/users', {
        email,
        password: `${name}-password-1`,
        role,
        projects: ['default'],
      }),
      201,
    );
    cookies[name] = await login(email, `${name}-password-1`);
  }
  const sent = await server.fetch('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: otlpJson(spans),
  });
  expect(sent.status).toBe(200);
  await ok(call('admin', 'PUT', '/api/projects/default/rubric', { labels: ['correct', 'wrong'] }));
});
afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
});

describe('datasets from review queues', () => {
  it('builds immutable versions from corrected and approved items and exports them byte for byte', async () => {
    const queue = await ok<{ queueId: string }>(
      call('admin', 'POST', '/api/review-queues', { name: 'refunds' }),
      201,
    );
    const base = `/api/review-queues/${queue.queueId}`;
    await ok(call('ada', 'POST', `${base}/items`, { items: spans.map((s) => ({ traceId: s.traceId })) }));
    // Wrong answer corrected, right answer approved, off-topic one labelled wrong without a correction (left out).
    const verdicts: Record<string, { label: string; correctedAnswer: string }> = {
      [spans[0]!.traceId]: { label: 'wrong', correctedAnswer: 'Only within 30 days of delivery.' },
      [spans[1]!.traceId]: { label: 'correct', correctedAnswer: '' },
      [spans[2]!.traceId]: { label: 'wrong', correctedAnswer: '' },
    };
    for (let i = 0; i < 3; i++) {
      const next = await ok<{ item: { itemId: string; traceId: string } }>(
        call('ada', 'POST', `${base}/next`),
      );
      await ok(
        call('ada', 'PUT', `${base}/items/${next.item.itemId}/judgement`, verdicts[next.item.traceId]),
      );
    }
    const hook = await ok<{ signingSecret: string }>(
      call('admin', 'POST', '/api/projects/default/alert-destinations', {
        name: 'retraining',
        kind: 'webhook',
        url: receiver.url,
      }),
      201,
    );
    receiver.setSecret(hook.signingSecret);
    const dataset = await ok<{ datasetId: string }>(
      call('ada', 'POST', '/api/datasets', { name: 'refund answers' }),
      201,
    );
    const path = `/api/datasets/${dataset.datasetId}`;
    expect((await call('viewer', 'POST', `${path}/versions`, { queueIds: [queue.queueId] })).status).toBe(
      403,
    );
    const v1 = await ok<{ version: number; itemCount: number; judged: number; skipped: number }>(
      call('ada', 'POST', `${path}/versions`, { queueIds: [queue.queueId], approvedLabels: ['correct'] }),
      201,
    );
    expect(v1).toMatchObject({ version: 1, itemCount: 2, judged: 3, skipped: 1, notified: 1 });
    // The retraining pipeline hears of it: a signed Standard Webhooks request.
    const deadline = Date.now() + 30_000;
    while (!receiver.received.some((r) => r.verified) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const [webhook] = receiver.received;
    expect(webhook?.verified).toBe(true);
    expect(webhook?.payload).toMatchObject({
      type: 'dataset.version.created',
      data: {
        projectId: 'default',
        figures: [
          { label: 'datasetId', value: dataset.datasetId },
          { label: 'version', value: '1' },
          { label: 'items', value: '2' },
        ],
        link: `/api/datasets/${dataset.datasetId}/versions/1/export?format=openai`,
      },
    });

    // Items in (queue, item id) order; each line as entered.
    const expectedFor = (traceId: string) => {
      const i = spans.findIndex((s) => s.traceId === traceId);
      const c = conversations[i]!;
      return {
        messages: [
          { role: 'system', content: c.system },
          { role: 'user', content: c.question },
          { role: 'assistant', content: verdicts[traceId]!.correctedAnswer || c.answer },
        ],
      };
    };
    const browsed = await ok<{ items: Array<{ traceId: string; position: number }>; total: number }>(
      call('viewer', 'GET', `${path}/versions/1/items`),
    );
    expect(browsed.total).toBe(2);
    const openai = await call('viewer', 'GET', `${path}/versions/1/export?format=openai`);
    expect(openai.status).toBe(200);
    expect(openai.headers.get('content-disposition')).toBe(
      `attachment; filename="${dataset.datasetId}-v1.openai.jsonl"`,
    );
    const exported = await openai.text();
    expect(exported).toBe(browsed.items.map((i) => `${JSON.stringify(expectedFor(i.traceId))}\n`).join(''));
    expect(new Set(browsed.items.map((i) => i.traceId))).toEqual(
      new Set([spans[0]!.traceId, spans[1]!.traceId]),
    );

    const plain = await (await call('viewer', 'GET', `${path}/versions/1/export?format=plain`)).text();
    const firstPlain = JSON.parse(plain.split('\n')[0]!) as {
      input: unknown[];
      expected: string;
      metadata: object;
    };
    const firstTrace = browsed.items[0]!.traceId;
    expect(firstPlain.input).toEqual(expectedFor(firstTrace).messages.slice(0, 2));
    expect(firstPlain.expected).toBe(expectedFor(firstTrace).messages[2]!.content);
    expect(firstPlain.metadata).toMatchObject({
      traceId: firstTrace,
      queueId: queue.queueId,
      source: verdicts[firstTrace]!.correctedAnswer ? 'corrected' : 'approved',
      model: 'gpt-4o-mini',
    });

    // A later correction makes a new version; version 1 stays as it was.
    const thirdItem = (
      await ok<{ items: Array<{ itemId: string; traceId: string }> }>(call('viewer', 'GET', `${base}/items`))
    ).items.find((i) => i.traceId === spans[2]!.traceId)!;
    await ok(
      call('ada', 'PUT', `${base}/items/${thirdItem.itemId}/judgement`, {
        label: 'wrong',
        correctedAnswer: 'We only ship on Earth.',
      }),
    );
    const v2 = await ok<{ version: number; itemCount: number }>(
      call('ada', 'POST', `${path}/versions`, {
        queueIds: [queue.queueId],
        approvedLabels: ['correct'],
        notify: false,
      }),
      201,
    );
    expect(v2).toMatchObject({ version: 2, itemCount: 3, notified: 0 });
    expect(await (await call('viewer', 'GET', `${path}/versions/1/export?format=openai`)).text()).toBe(
      exported,
    );
    const versions = await ok<{ versions: Array<{ version: number; itemCount: number }> }>(
      call('viewer', 'GET', path),
    );
    expect(versions.versions.map((v) => [v.version, v.itemCount])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect((await call('viewer', 'GET', `${path}/versions/3/export`)).status).toBe(404);
    expect((await call('viewer', 'GET', `${path}/versions/1/export?format=csv`)).status).toBe(400);
  });
});
