import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, login as loginAt, ok } from '../support/api-session.js';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { otlpJson, simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

const ADMIN_PASSWORD = 'admin-password-for-review-tests';
let server: DriftwatchServer;
const cookies: Record<'admin' | 'ada' | 'bob' | 'viewer', string> = {
  admin: '',
  ada: '',
  bob: '',
  viewer: '',
};

const login = (email: string, password: string) => loginAt(server.url, email, password);
const call = (who: keyof typeof cookies, method: string, path: string, body?: unknown) =>
  callAs(server.url, cookies[who], method, path, body);
const userIds: Record<string, string> = {};
const spans: SimpleSpan[] = [];

beforeAll(async () => {
  server = await DriftwatchServer.start({ env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  cookies.admin = await login('admin@localhost', ADMIN_PASSWORD);
  for (const [name, role] of [
    ['ada', 'member'],
    ['bob', 'member'],
    ['viewer', 'viewer'],
  ] as const) {
    const email = `${name}@example.test`;
    const user = await ok<{ id: string }>(
      call('admin', 'POST', '/api/users', {
        email,
        password: `${name}-password-123`,
        role,
        projects: ['default'],
      }),
      201,
    );
    userIds[name] = user.id;
    cookies[name] = await login(email, `${name}-password-123`);
  }
  spans.push(
    ...[1, 2, 3].map(() =>
      simpleSpan({
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini' },
      }),
    ),
  );
  const sent = await server.fetch('/v1/traces', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: otlpJson(spans),
  });
  expect(sent.status).toBe(200);
  await ok(
    call('admin', 'PUT', '/api/projects/default/rubric', {
      criteria: [
        { name: 'accuracy', type: 'numeric', min: 1, max: 5 },
        { name: 'helpful', type: 'boolean' },
      ],
      labels: ['correct', 'wrong'],
    }),
  );
});
afterAll(async () => {
  await server?.stop();
});

interface Queue {
  queueId: string;
  progress: { items: number; done: number; judgements: number; byReviewer: Record<string, number> };
}
interface Next {
  item: { itemId: string; traceId: string };
  trace: { traceId: string; spans: unknown[] } | null;
}

describe('review queues over the REST API', () => {
  it('lets admins define queues and the rubric, members review, viewers only read', async () => {
    expect((await call('ada', 'POST', '/api/review-queues', { name: 'x' })).status).toBe(403);
    expect((await call('viewer', 'PUT', '/api/projects/default/rubric', { labels: [] })).status).toBe(403);
    const queue = await ok<Queue>(call('admin', 'POST', '/api/review-queues', { name: 'by hand' }), 201);
    expect((await call('viewer', 'POST', `/api/review-queues/${queue.queueId}/next`)).status).toBe(403);
    expect((await call('viewer', 'GET', `/api/review-queues/${queue.queueId}`)).status).toBe(200);
    expect((await server.fetch(`/api/review-queues/${queue.queueId}`)).status).toBe(200);
    const bad = await call('admin', 'POST', '/api/review-queues', {
      name: 'rr',
      assignment: 'round_robin',
      reviewers: [],
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('reviewers: round robin needs at least 1 reviewers');
  });

  it('two reviewers judge the same items; judgements are idempotent and checked against the rubric', async () => {
    const queue = await ok<Queue>(
      call('admin', 'POST', '/api/review-queues', { name: 'double', judgementsPerItem: 2 }),
      201,
    );
    const base = `/api/review-queues/${queue.queueId}`;
    const items = spans.map((s) => ({ traceId: s.traceId }));
    expect(await ok(call('ada', 'POST', `${base}/items`, { items }))).toMatchObject({ added: 3 });
    expect(await ok(call('ada', 'POST', `${base}/items`, { items: items.slice(0, 1) }))).toMatchObject({
      added: 0,
    });
    const labels = { ada: ['correct', 'wrong', 'wrong'], bob: ['correct', 'correct', 'wrong'] };
    for (const who of ['ada', 'bob'] as const) {
      for (let i = 0; i < 3; i++) {
        const next = await ok<Next>(call(who, 'POST', `${base}/next`));
        expect(next.trace?.traceId).toBe(next.item.traceId);
        const path = `${base}/items/${next.item.itemId}/judgement`;
        if (who === 'ada' && i === 0) {
          const wrong = await call(who, 'PUT', path, {
            scores: { accuracy: 7, helpful: 'yes', style: 3 },
            label: 'meh',
          });
          expect(wrong.status).toBe(400);
          const { message } = (await wrong.json()) as { message: string };
          expect(message).toContain('scores.accuracy: 7 is outside the range 1..5 of "accuracy"');
          expect(message).toContain('scores.helpful: "yes" is not a thumbs value');
          expect(message).toContain("scores.style: is not a criterion of the project's rubric");
          expect(message).toContain('label: "meh" is not one of the rubric\'s labels');
        }
        const judgement = {
          scores: { accuracy: 4, helpful: 1 },
          label: labels[who][spans.findIndex((s) => s.traceId === next.item.traceId)],
          correctedAnswer: i === 1 ? 'The corrected answer.' : '',
        };
        const first = await ok<{ changed: boolean; judgement: { scores: object } }>(
          call(who, 'PUT', path, judgement),
        );
        const again = await ok<{ changed: boolean }>(call(who, 'PUT', path, judgement));
        expect([first.changed, again.changed]).toEqual([true, false]);
        expect(first.judgement.scores).toEqual({ accuracy: 4, helpful: true });
      }
      expect((await call(who, 'POST', `${base}/next`)).status).toBe(204);
    }
    const progress = (await ok<Queue>(call('viewer', 'GET', base))).progress;
    expect(progress).toEqual({
      items: 3,
      done: 3,
      judgements: 6,
      byReviewer: { [userIds.ada!]: 3, [userIds.bob!]: 3 },
    });
    const judgements = await ok<{ items: unknown[] }>(call('viewer', 'GET', `${base}/judgements`));
    expect(judgements.items).toHaveLength(6);
    const agreement = await ok<{
      label: { overall: { items: number; observed: number; kappa: number } };
      criteria: Record<string, { overall: { kappa: number | null } }>;
    }>(call('viewer', 'GET', `${base}/agreement`));
    // Labels agree on 2 of 3 items; chance agreement 4/9: kappa 0.4.
    expect(agreement.label.overall.items).toBe(3);
    expect(agreement.label.overall.observed).toBeCloseTo(2 / 3, 10);
    expect(agreement.label.overall.kappa).toBeCloseTo(0.4, 10);
    expect(agreement.criteria.helpful?.overall.kappa).toBeNull();
  });

  it('fills a queue by its rule (negative feedback) once, and says when nothing is left', async () => {
    const queue = await ok<Queue>(
      call('admin', 'POST', '/api/review-queues', { name: 'unhappy', rule: { kind: 'negative_feedback' } }),
      201,
    );
    const base = `/api/review-queues/${queue.queueId}`;
    const target = spans[2]!;
    const feedback = await server.fetch('/api/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ traceId: target.traceId, name: 'thumbs', value: false }),
    });
    expect(feedback.status).toBe(200);
    expect(await ok(call('ada', 'POST', `${base}/fill`, {}))).toEqual({ matched: 1, added: 1 });
    expect(await ok(call('ada', 'POST', `${base}/fill`, {}))).toEqual({ matched: 1, added: 0 });
    const next = await ok<Next>(call('bob', 'POST', `${base}/next`));
    expect(next.item.traceId).toBe(target.traceId);
    // Claimed by bob: nobody else gets it.
    expect((await call('ada', 'POST', `${base}/next`)).status).toBe(204);
    // A problem's example traces become a queue in one request.
    const manual = await ok<Queue>(
      call('admin', 'POST', '/api/review-queues', {
        name: 'problem examples',
        items: spans.slice(0, 2).map((s) => ({ traceId: s.traceId })),
      }),
      201,
    );
    expect(manual.progress).toMatchObject({ items: 2, done: 0 });
    const refused = await call('ada', 'POST', `/api/review-queues/${manual.queueId}/fill`, {});
    expect(refused.status).toBe(400);
    expect((await call('ada', 'GET', '/api/review-queues/q_0000000000000000')).status).toBe(404);
  });
});
