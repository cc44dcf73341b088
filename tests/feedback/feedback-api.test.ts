import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { hexId, otlpJson, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

const ADMIN_PASSWORD = 'admin-password-for-feedback-tests';
const APP_ORIGIN = 'https://shop.example.com';
let server: DriftwatchServer;
let admin: string;
let publicKey: string;

beforeAll(async () => {
  server = await DriftwatchServer.start({ env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password: ADMIN_PASSWORD }),
  });
  admin = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const created = await asAdmin('POST', '/api/projects/default/api-keys', {
    name: 'web app',
    kind: 'public',
  });
  if (created.status !== 201)
    throw new Error(`public key: ${created.status} ${await created.text()} ${login.status}`);
  publicKey = ((await created.json()) as { key: string }).key;
});
afterAll(async () => {
  await server?.stop();
});

function asAdmin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { cookie: admin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function postFeedback(body: unknown, key: string = server.apiKey, headers: Record<string, string> = {}) {
  return server.fetch(
    '/api/feedback',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    key,
  );
}

async function feedbackOf(traceId: string, key: string = server.apiKey) {
  return (
    await server.json<{ items: Array<Record<string, unknown>> }>(`/api/traces/${traceId}/feedback`, key)
  ).items;
}

async function sendSpans(spans: SimpleSpan[]): Promise<void> {
  const response = await server.fetch('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: otlpJson(spans),
  });
  expect(response.status).toBe(200);
}

const llmSpan = (overrides: Partial<SimpleSpan> = {}) =>
  simpleSpan({
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
    },
    ...overrides,
  });

describe('POST /api/feedback', () => {
  it('stores one item and a batch, answering ids, and lists them on the trace', async () => {
    const traceId = hexId(16);
    const one = await postFeedback({ traceId, name: 'thumbs', value: false, comment: 'wrong refund policy' });
    expect(one.status).toBe(200);
    const first = (await one.json()) as { accepted: number; duplicates: number; ids: string[] };
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(first.ids[0]).toMatch(/^[0-9a-f]{32}$/);
    const batch = await postFeedback({
      items: [
        { traceId, name: 'rating', value: 4, userId: 'u1', metadata: { page: 'checkout' } },
        {
          traceId,
          name: 'label',
          value: 'off-topic',
          correction: 'Refunds take 5 days.',
          timeMs: 1_750_000_000_000,
        },
      ],
    });
    expect(batch.status).toBe(200);
    expect(await batch.json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const items = await feedbackOf(traceId);
    expect(items.map((i) => [i.name, i.value, i.negative, i.source])).toEqual([
      ['label', 'off-topic', null, 'api_key'],
      ['thumbs', false, true, 'api_key'],
      ['rating', 4, false, 'api_key'],
    ]);
    expect(items[0]).toMatchObject({ correction: 'Refunds take 5 days.', time: '2025-06-15T15:06:40.000Z' });
    expect(items[2]).toMatchObject({ userId: 'u1', metadata: { page: 'checkout' } });
  });

  it('stores a retried item once, with or without an idempotency key', async () => {
    const traceId = hexId(16);
    const keyed = { traceId, name: 'thumbs', value: true, idempotencyKey: 'click-42' };
    const plain = { traceId, name: 'score', value: 0.9 };
    const first = (await (await postFeedback({ items: [keyed, plain] })).json()) as { ids: string[] };
    const retry = await postFeedback({ items: [plain, keyed, { ...keyed, value: false }] });
    expect(await retry.json()).toEqual({
      accepted: 0,
      duplicates: 3,
      ids: [first.ids[1], first.ids[0], first.ids[0]],
    });
    expect(await feedbackOf(traceId)).toHaveLength(2);
  });

  it('answers 400 naming the field, 413 for an oversized body, 401 without a key', async () => {
    const traceId = hexId(16);
    const items = [0, 1, 2].map(() => ({ traceId, name: 'thumbs', value: true }));
    const bad = await postFeedback({ items: [...items, { traceId, name: 'thumbs', value: [1] }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain(
      'items[3].value: must be a finite number',
    );
    const badName = await postFeedback({ traceId, name: 'thumbs up!', value: true });
    expect(((await badName.json()) as { message: string }).message).toContain(
      'name: a feedback name is 1-64',
    );
    const noTarget = await postFeedback({ name: 'thumbs', value: true });
    expect(((await noTarget.json()) as { message: string }).message).toContain(
      'traceId: send a traceId, a spanId',
    );
    const long = await postFeedback({ traceId, name: 'c', value: 1, comment: 'x'.repeat(4001) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { message: string }).message).toMatch(/comment: .*4000/);
    const huge = await postFeedback({
      items: Array.from({ length: 200 }, () => ({
        traceId,
        name: 'c',
        value: 1,
        correction: 'x'.repeat(30_000),
      })),
    });
    expect(huge.status).toBe(413);
    expect(
      (await postFeedback({ traceId, name: 'thumbs', value: true }, 'dw_' + 'x'.repeat(32))).status,
    ).toBe(401);
    expect(await feedbackOf(traceId)).toEqual([]);
  });

  it('checks values against the project settings: type, range and labels', async () => {
    const put = await asAdmin('PUT', '/api/projects/default/feedback-settings', {
      allowedOrigins: [APP_ORIGIN],
      names: [
        { name: 'stars', type: 'numeric', min: 1, max: 5, negativeBelow: 3 },
        { name: 'helpful', type: 'boolean' },
        { name: 'verdict', type: 'categorical', labels: ['correct', 'wrong'], negativeLabels: ['wrong'] },
      ],
    });
    expect(put.status).toBe(200);
    const traceId = hexId(16);
    const bad = await postFeedback({
      items: [
        { traceId, name: 'stars', value: 6 },
        { traceId, name: 'helpful', value: 'yes' },
        { traceId, name: 'verdict', value: 'meh' },
      ],
    });
    expect(bad.status).toBe(400);
    const { message } = (await bad.json()) as { message: string };
    expect(message).toContain('items[0].value: 6 is outside the range 1..5 of "stars"');
    expect(message).toContain('items[1].value: "yes" is not a thumbs value');
    expect(message).toContain('items[2].value: "meh" is not one of the labels');
    const ok = await postFeedback({
      items: [
        { traceId, name: 'stars', value: 2 },
        { traceId, name: 'helpful', value: 1 },
        { traceId, name: 'verdict', value: 'wrong' },
      ],
    });
    expect(ok.status).toBe(200);
    const items = await feedbackOf(traceId);
    expect(Object.fromEntries(items.map((i) => [i.name, [i.value, i.negative]]))).toEqual({
      stars: [2, true],
      helpful: [true, false],
      verdict: ['wrong', true],
    });
  });
});

describe('public keys (dwpk_) and CORS', () => {
  it('sends feedback and nothing else: reads, the API and OTLP answer 403', async () => {
    expect(publicKey).toMatch(/^dwpk_[A-Za-z0-9_-]{32}$/);
    const traceId = hexId(16);
    const sent = await postFeedback({ traceId, name: 'thumbs', value: true }, publicKey);
    expect(sent.status).toBe(200);
    for (const path of [
      `/api/traces/${traceId}/feedback`,
      '/api/traces',
      '/api/metrics/summary',
      '/api/projects',
    ]) {
      const refused = await server.fetch(path, {}, publicKey);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toContain('can only send feedback');
    }
    const otlp = await server.fetch(
      '/v1/traces',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson([simpleSpan()]) },
      publicKey,
    );
    expect(otlp.status).toBe(403);
    const [stored] = await feedbackOf(traceId);
    expect(stored).toMatchObject({ source: 'public_key', value: true });
    const keys = (await (await asAdmin('GET', '/api/projects/default/api-keys')).json()) as {
      items: Array<{ prefix: string; kind: string }>;
    };
    expect(keys.items.find((k) => k.kind === 'public')?.prefix).toBe(publicKey.slice(0, 13));
  });

  it('answers the preflight for an allowed origin and checks the origin against the key project', async () => {
    // The settings test above allowed APP_ORIGIN for the default project.
    const preflight = await fetch(`${server.url}/api/feedback`, {
      method: 'OPTIONS',
      headers: {
        origin: APP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const stranger = await fetch(`${server.url}/api/feedback`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();

    const traceId = hexId(16);
    const fromApp = await postFeedback({ traceId, name: 'thumbs', value: true }, publicKey, {
      origin: APP_ORIGIN,
    });
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    // Even a wrong key's 401 is readable by the allowed page.
    const wrongKey = await postFeedback({ traceId, name: 'x', value: 1 }, 'dwpk_' + 'x'.repeat(32), {
      origin: APP_ORIGIN,
    });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    // The other project allows no origin: its public key is refused from the app's page.
    const other = await asAdmin('POST', '/api/projects/other-project/api-keys', {
      name: 'web',
      kind: 'public',
    });
    const otherKey = ((await other.json()) as { key: string }).key;
    const crossed = await postFeedback({ traceId, name: 'thumbs', value: true }, otherKey, {
      origin: APP_ORIGIN,
    });
    expect(crossed.status).toBe(403);
    expect(((await crossed.json()) as { message: string }).message).toContain(
      'may not send feedback to this project',
    );
    expect((await postFeedback({ traceId, name: 'thumbs', value: true }, otherKey)).status).toBe(200);
    expect(await feedbackOf(traceId)).toHaveLength(1);
  });
});

describe('feedback from the dashboard', () => {
  it('takes feedback from a member session (source dashboard) and refuses viewers', async () => {
    for (const [name, role] of [
      ['member', 'member'],
      ['viewer', 'viewer'],
    ] as const) {
      const email = `${name}@example.test`;
      expect(
        (
          await asAdmin('POST', '/api/users', {
            email,
            password: `${name}-pass-123`,
            role,
            projects: ['default'],
          })
        ).status,
      ).toBe(201);
    }
    const sessionOf = async (email: string, password: string) => {
      const r = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const traceId = hexId(16);
    const post = async (cookie: string) =>
      fetch(`${server.url}/api/feedback`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ traceId, name: 'reviewer_note', value: 'hallucinated a policy' }),
      });
    expect((await post(await sessionOf('member@example.test', 'member-pass-123'))).status).toBe(200);
    const refused = await post(await sessionOf('viewer@example.test', 'viewer-pass-123'));
    expect(refused.status).toBe(403);
    const items = await feedbackOf(traceId);
    expect(items.map((i) => [i.source, i.value])).toEqual([['dashboard', 'hallucinated a policy']]);
    // A key sent with another project's header is refused too.
    const crossed = await postFeedback({ traceId, name: 'x', value: 1 }, publicKey, {
      'x-driftwatch-project': 'other-project',
    });
    expect(crossed.status).toBe(403);
  });
});

describe('feedback and traces', () => {
  it('keeps feedback for a trace that has not arrived yet and joins it when it does', async () => {
    const span = llmSpan();
    const bySpan = await postFeedback({ spanId: span.spanId, name: 'thumbs', value: false, userId: 'early' });
    expect(bySpan.status).toBe(200);
    const byTrace = await postFeedback({ traceId: span.traceId, name: 'note', value: 'arrived first' });
    expect(byTrace.status).toBe(200);
    expect((await feedbackOf(span.traceId)).map((i) => i.name)).toEqual(['note']);
    await sendSpans([span]);
    const joined = await feedbackOf(span.traceId);
    expect(joined.map((i) => [i.name, i.traceId, i.spanId]).sort()).toEqual([
      ['note', span.traceId, ''],
      ['thumbs', span.traceId, span.spanId],
    ]);
    const list = await server.json<{
      items: Array<{ traceId: string; feedbackCount: number; negativeFeedback: boolean | null }>;
    }>('/api/traces?feedback=negative');
    expect(list.items.find((t) => t.traceId === span.traceId)).toMatchObject({
      feedbackCount: 2,
      negativeFeedback: true,
    });
  });

  it('reports the negative-feedback rate in /api/metrics/summary and filters the traces list', async () => {
    // A project of its own, so the counts are this test's.
    expect((await asAdmin('POST', '/api/projects', { id: 'fb-metrics', name: 'fb' })).status).toBe(201);
    const created = await asAdmin('POST', '/api/projects/fb-metrics/api-keys', { name: 'sdk' });
    const key = ((await created.json()) as { key: string }).key;
    const spans = [llmSpan(), llmSpan(), llmSpan(), llmSpan()];
    const response = await server.fetch(
      '/v1/traces',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson(spans) },
      key,
    );
    expect(response.status).toBe(200);
    const [a, b, c] = spans as [SimpleSpan, SimpleSpan, SimpleSpan];
    const sent = await postFeedback(
      {
        items: [
          { traceId: a.traceId, name: 'thumbs', value: false },
          { traceId: b.traceId, name: 'thumbs', value: true },
          { traceId: c.traceId, name: 'thumbs', value: 1 },
        ],
      },
      key,
    );
    expect(sent.status).toBe(200);
    const summary = await server.json<{ totals: Array<Record<string, unknown>> }>(
      '/api/metrics/summary',
      key,
    );
    expect(summary.totals[0]).toMatchObject({
      requests: 4,
      feedbackCalls: 3,
      negativeFeedbackCalls: 1,
      negativeFeedbackRate: 1 / 3,
    });
    const ids = async (filter: string) =>
      (await server.json<{ items: Array<{ traceId: string }> }>(`/api/traces?feedback=${filter}`, key)).items
        .map((t) => t.traceId)
        .sort();
    expect(await ids('negative')).toEqual([a.traceId]);
    expect(await ids('positive')).toEqual([b.traceId, c.traceId].sort());
    expect(await ids('none')).toEqual([spans[3]!.traceId]);
    const invalid = await server.fetch('/api/traces?feedback=maybe', {}, key);
    expect(invalid.status).toBe(400);
  });
});
