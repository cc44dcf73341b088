import {
  topicCallListSchema,
  topicDetailSchema,
  topicLabelsSchema,
  topicListSchema,
  topicMapSchema,
  topicRefitSchema,
  traceListPageSchema,
  type TopicList,
} from '@driftwatch/api-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { eventually } from '../support/eventually.js';
import { otlpJson, type SimpleSpan } from '../support/otlp-payloads.js';
import { INTENTS, loadIntents, questionSpan } from './intents.js';

const ADMIN_PASSWORD = 'admin-password-for-topic-tests';
/** Embedding and the first fit on a shared 2-core machine (a guard, not a speed assertion). */
const FIT_GUARD_MS = 300_000;
const PER_INTENT = 50; // 5 intents: 250 calls, past the first-fit minimum of 200

describe('topics of LLM call requests, with the local model', () => {
  const data = loadIntents(PER_INTENT);
  let server: DriftwatchServer;
  /** Trace id -> intent of every call sent before the first fit. */
  const intentOf = new Map<string, string>();

  const send = async (spans: SimpleSpan[]) => {
    const response = await server.fetch('/v1/traces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: otlpJson(spans),
    });
    expect(response.status).toBe(200);
  };
  const topics = async () => topicListSchema.parse(await server.json('/api/topics?buckets=6'));
  /** The topic holding most of an intent's calls, read through the trace list's topic column. */
  const majorityTopic = async (intent: string) => {
    const page = traceListPageSchema.parse(await server.json('/api/traces?limit=500'));
    const counts = new Map<string, number>();
    for (const t of page.items)
      if (intentOf.get(t.traceId) === intent && t.topicId)
        counts.set(t.topicId, (counts.get(t.topicId) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]!;
  };

  beforeAll(async () => {
    server = await DriftwatchServer.start({
      env: {
        DRIFTWATCH_EMBEDDINGS: 'local',
        DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        DRIFTWATCH_TOPICS_CHECK_MS: '1000',
        DRIFTWATCH_TOPICS_MIN_CALLS: '200',
        DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
    const spans: SimpleSpan[] = [];
    for (const [intent, texts] of data.intents) {
      for (const text of texts.slice(0, PER_INTENT)) {
        const span = questionSpan(text, intent === 'recipe' ? 'claude-3-5-haiku' : 'gpt-4o-mini');
        intentOf.set(span.traceId, intent);
        spans.push(span);
      }
    }
    // Interleaved, as traffic would be.
    spans.sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
    for (let i = 0; i < spans.length; i += 50) await send(spans.slice(i, i + 50));
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('fits topics on its own once enough request vectors are stored, labelled with their intent words', async () => {
    const list = await eventually(
      topics,
      (l) => l.model !== null && l.totalCalls >= 5 * PER_INTENT,
      FIT_GUARD_MS,
    );
    expect(list.model, `no fit happened:\n${server.output.join('')}`).not.toBeNull();
    expect(list.model!.version).toBe(1);
    expect(list.model!.sampleSize).toBeGreaterThanOrEqual(200);
    expect(list.totalCalls).toBe(5 * PER_INTENT);
    // At least one topic per intent and not a topic per handful of calls.
    expect(list.topics.length).toBeGreaterThanOrEqual(5);
    expect(list.topics.length).toBeLessThanOrEqual((5 * PER_INTENT) / 20);
    for (const [intent, words] of Object.entries(INTENTS)) {
      const [topicId, calls] = await majorityTopic(intent);
      expect(calls, `${intent}: ${calls} of ${PER_INTENT} calls in ${topicId}`).toBeGreaterThanOrEqual(
        PER_INTENT * 0.6,
      );
      const topic = list.topics.find((t) => t.id === topicId)!;
      const terms = topic.terms.map((t) => t.term);
      expect(
        terms.some((t) => words.some((w) => t.includes(w))),
        `${intent} -> ${terms.join(', ')}`,
      ).toBe(true);
      expect(topic.label.length).toBeGreaterThan(0);
    }
    const shares = list.topics.reduce((a, t) => a + t.share, 0);
    expect(shares).toBeCloseTo(1, 5);
    const recipe = list.topics.find((t) => t.topModels[0]?.model === 'claude-3-5-haiku');
    expect(recipe, 'the recipe topic is served by claude').toBeDefined();
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      checks: { topics?: { fits: number; assignedCalls: number; lastError: string | null } };
    };
    expect(ready.checks.topics).toMatchObject({ fits: 1, lastError: null });
    expect(ready.checks.topics!.assignedCalls).toBeGreaterThanOrEqual(5 * PER_INTENT);
    // The local model embeds the calls on a machine shared with other work: the waits are guards only.
  }, 360_000);

  it('filters the trace list by topic and shows one topic with examples, calls and models', async () => {
    const [topicId] = await majorityTopic('weather');
    const page = traceListPageSchema.parse(await server.json(`/api/traces?topicId=${topicId}&limit=500`));
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((t) => t.topicId === topicId)).toBe(true);
    expect(page.items.filter((t) => intentOf.get(t.traceId) === 'weather').length).toBeGreaterThanOrEqual(
      page.items.length * 0.8,
    );
    // A group of topics (as a problem on near topics names it): the traces of either, and only those.
    const [recipeTopic] = await majorityTopic('recipe');
    const recipePage = traceListPageSchema.parse(
      await server.json(`/api/traces?topicId=${recipeTopic}&limit=500`),
    );
    const group = traceListPageSchema.parse(
      await server.json(`/api/traces?topicId=${topicId},${recipeTopic}&limit=500`),
    );
    expect(new Set(group.items.map((t) => t.traceId))).toEqual(
      new Set([...page.items, ...recipePage.items].map((t) => t.traceId)),
    );
    const badGroup = await server.fetch(`/api/traces?topicId=${topicId};drop`);
    expect(badGroup.status).toBe(400);
    expect(await badGroup.text()).toMatch(/topicId.*up to 8 of them separated by commas/);
    const detail = topicDetailSchema.parse(await server.json(`/api/topics/${topicId}`));
    expect(detail.examples.length).toBeGreaterThan(0);
    expect(detail.examples.every((e) => intentOf.get(e.traceId) === 'weather')).toBe(true);
    expect(detail.calls.length).toBeGreaterThan(0);
    expect(detail.calls[0]!.text.length).toBeGreaterThan(0);
    expect(detail.byModel[0]).toEqual({ key: 'gpt-4o-mini', calls: expect.any(Number) });
    expect(detail.lineage).toContainEqual({ version: 1, kind: 'created', from: [], into: [topicId] });
    // The traces page's labels: the latest model's ids and labels, the same as the full list's.
    const labels = topicLabelsSchema.parse(await server.json('/api/topics/labels'));
    const list = topicListSchema.parse(await server.json('/api/topics'));
    expect(labels.model).toEqual(list.model);
    expect(labels.topics.length).toBeGreaterThanOrEqual(5);
    expect(new Map(labels.topics.map((t) => [t.id, t.label]))).toEqual(
      new Map(list.topics.map((t) => [t.id, t.label])),
    );
    expect((await server.fetch('/api/topics/t999999')).status).toBe(404);
    expect((await server.fetch('/api/topics/bogus')).status).toBe(400);
    expect((await server.fetch('/api/traces?topicId=x;DROP')).status).toBe(400);
    const bad = await server.fetch('/api/topics?buckets=0');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('buckets');
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/topics',
        '/api/topics/labels',
        '/api/topics/{topicId}',
        '/api/topics/novel',
        '/api/topics/refit',
      ]),
    );
  });

  it("maps the fit sample to 2-D with each point's topic and text", async () => {
    const map = topicMapSchema.parse(await server.json('/api/topics/map'));
    expect(map.points).toHaveLength(map.model!.sampleSize);
    expect(new Set(map.points.map((p) => p.topicId)).size).toBe(map.topics.length);
    expect(map.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.text !== '')).toBe(true);
  });

  it('assigns new calls online and flags off-topic ones as novel', async () => {
    const before = await topics();
    const held = [...data.intents.values()].flatMap((texts) => texts.slice(PER_INTENT, PER_INTENT + 2));
    const offTopic = data.offTopic.map((text) => questionSpan(text));
    const inTopic = held.map((text) => questionSpan(text));
    await send([...offTopic, ...inTopic]);
    const after = await eventually(
      topics,
      (l) => l.totalCalls >= before.totalCalls + offTopic.length + inTopic.length,
      FIT_GUARD_MS,
    );
    expect(after.totalCalls).toBe(before.totalCalls + offTopic.length + inTopic.length);
    const novel = topicCallListSchema.parse(await server.json('/api/topics/novel?limit=200'));
    const novelIds = new Set(novel.items.map((c) => c.traceId));
    const flaggedOff = offTopic.filter((s) => novelIds.has(s.traceId)).length;
    const flaggedIn = inTopic.filter((s) => novelIds.has(s.traceId)).length;
    expect(flaggedOff, `off-topic flagged: ${flaggedOff} of ${offTopic.length}`).toBeGreaterThanOrEqual(4);
    expect(flaggedIn, `held-back in-topic flagged: ${flaggedIn} of ${inTopic.length}`).toBeLessThanOrEqual(2);
    const item = novel.items.find((c) => c.traceId === offTopic[0]!.traceId);
    if (item) expect(item.novelty).toBeGreaterThan(1);
    expect(after.novelCalls).toBeGreaterThanOrEqual(flaggedOff);
  }, 360_000);

  it('fills review queues from novel calls and from one topic', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password: ADMIN_PASSWORD }),
    });
    const headers = {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!,
      'content-type': 'application/json',
      'x-driftwatch-project': 'default',
    };
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status, text).toBeLessThan(300);
      return JSON.parse(text) as { queueId: string; matched: number; added: number };
    };
    const novel = topicCallListSchema.parse(await server.json('/api/topics/novel?limit=200'));
    const novelTraces = new Set(novel.items.map((c) => c.traceId));
    const novelQueue = await post('/api/review-queues', { name: 'new kinds', rule: { kind: 'novel_calls' } });
    const filled = await post(`/api/review-queues/${novelQueue.queueId}/fill`, {});
    expect(filled.added).toBe(novelTraces.size);
    expect(filled.added).toBeGreaterThan(0);

    const [topicId, calls] = await majorityTopic('weather');
    const topicQueue = await post('/api/review-queues', {
      name: 'weather',
      rule: { kind: 'traces_filter', filter: { topicId } },
    });
    const fromTopic = await post(`/api/review-queues/${topicQueue.queueId}/fill`, {});
    expect(fromTopic.added).toBeGreaterThanOrEqual(calls);
  });

  it("shows each topic's negative-feedback rate from end users' judgements of its traces", async () => {
    const [weatherTopic] = await majorityTopic('weather');
    const [recipeTopic] = await majorityTopic('recipe');
    // Traces of each intent that sit in its majority topic (an intent's calls can be split over two topics).
    const inTopic = async (intent: string, topicId: string) =>
      traceListPageSchema
        .parse(await server.json(`/api/traces?topicId=${topicId}&limit=500`))
        .items.map((t) => t.traceId)
        .filter((traceId) => intentOf.get(traceId) === intent);
    const weather = await inTopic('weather', weatherTopic);
    const recipe = await inTopic('recipe', recipeTopic);
    expect(weather.length).toBeGreaterThanOrEqual(6);
    expect(recipe.length).toBeGreaterThanOrEqual(3);
    const items = [
      ...weather.slice(0, 4).map((traceId) => ({ traceId, name: 'thumbs', value: false })),
      ...weather.slice(4, 6).map((traceId) => ({ traceId, name: 'thumbs', value: true })),
      ...recipe.slice(0, 3).map((traceId) => ({ traceId, name: 'thumbs', value: true })),
    ];
    const posted = await server.fetch('/api/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    expect(posted.status, await posted.clone().text()).toBe(200);
    const list = await topics();
    const byId = new Map(list.topics.map((t) => [t.id, t]));
    // Judged traces count under the topic their request was assigned: 4 negative and 2 positive.
    const w = byId.get(weatherTopic)!;
    expect(w.judgedTraces).toBe(6);
    expect(w.negativeFeedbackRate).toBeCloseTo(4 / 6, 10);
    expect(byId.get(recipeTopic)!.negativeFeedbackRate).toBe(0);
    const unjudged = list.topics.filter(
      (t) => t.id !== weatherTopic && t.id !== recipeTopic && t.judgedTraces === 0,
    );
    expect(unjudged.length).toBeGreaterThan(0);
    expect(unjudged.every((t) => t.negativeFeedbackRate === null)).toBe(true);
  });

  it('re-fits for an admin only, keeping topic ids', async () => {
    const before: TopicList = await topics();
    expect((await server.fetch('/api/topics/refit', { method: 'POST' })).status).toBe(403); // API key: read only
    const signIn = async (email: string, password: string) => {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    };
    const cookie = await signIn('admin@localhost', ADMIN_PASSWORD);
    // A member reads topics but may not re-fit them.
    const member = {
      email: 'member@example.test',
      password: 'member-password-1',
      role: 'member',
      projects: ['default'],
    };
    const created = await fetch(`${server.url}/api/users`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(member),
    });
    expect(created.status).toBe(201);
    const memberCookie = await signIn(member.email, member.password);
    const memberHeaders = { cookie: memberCookie, 'x-driftwatch-project': 'default' };
    expect((await fetch(`${server.url}/api/topics`, { headers: memberHeaders })).status).toBe(200);
    const refused = await fetch(`${server.url}/api/topics/refit`, { method: 'POST', headers: memberHeaders });
    expect(refused.status).toBe(403);
    const response = await fetch(`${server.url}/api/topics/refit`, { method: 'POST', headers: { cookie } });
    expect(response.status, await response.clone().text()).toBe(200);
    const refit = topicRefitSchema.parse(await response.json());
    expect(refit.version).toBe(2);
    const after = await topics();
    expect(after.model!.version).toBe(2);
    const kept = after.topics.filter((t) => before.topics.some((b) => b.id === t.id));
    expect(
      kept.length,
      `v1 ${before.topics.map((t) => t.id)} v2 ${after.topics.map((t) => t.id)}`,
    ).toBeGreaterThanOrEqual(Math.min(before.topics.length, after.topics.length) - 1);
  });
});
