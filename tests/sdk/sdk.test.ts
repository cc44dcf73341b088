/**
 * @driftwatch/sdk as a user gets it: built and packed (npm pack), installed from the tarball with openai into a
 * sample app in a temporary folder, run against the real server (traces) with a fake OpenAI, and against a local
 * server speaking the POST /api/feedback contract (feedback batching, Retry-After, idempotency keys).
 * The real-server feedback test is tests/sdk/feedback-real-server.merge.ts (enabled when the endpoint lands).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer, freePort } from '../support/driftwatch-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { startFakeFeedbackServer } from './fake-feedback-server.js';
import { installSampleApp, type SampleApp, type SampleAppOptions } from './sample-app.js';

interface SpanView {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  llm: {
    provider: string;
    requestModel: string;
    inputMessages: { role: string; parts: { type: string; content?: string }[] }[];
    outputMessages: { role: string; parts: { type: string; content?: string }[] }[];
    usage: { inputTokens: number | null; outputTokens: number | null };
  } | null;
}

const CONTEXT = {
  userId: 'user-sdk-42',
  sessionId: 'session-sdk-7',
  tags: ['sdk-e2e'],
  metadata: { tenant: 'acme', plan: 'pro' },
  promptName: 'refund-answer',
  promptVersion: '7',
};

let app: SampleApp;
let server: DriftwatchServer;
let fakeOpenAI: FakeOpenAI;

beforeAll(async () => {
  [app, server, fakeOpenAI] = await Promise.all([
    installSampleApp(),
    DriftwatchServer.start(),
    freePort().then((port) => startFakeOpenAI({ port })),
  ]);
});

afterAll(async () => {
  await server?.stop();
  await fakeOpenAI?.close();
  app?.remove();
});

function appOptions(overrides: Partial<SampleAppOptions>): SampleAppOptions {
  return {
    scenario: 'own',
    endpoint: server.url,
    apiKey: server.apiKey,
    openaiBaseUrl: fakeOpenAI.baseUrl,
    release: 'sample-app@1.4.2',
    environment: 'staging',
    context: CONTEXT,
    feedbackCount: 0,
    ...overrides,
  };
}

/** The trace once the list shows it for the user (the server answers the export once stored). */
async function storedTrace(traceId: string, userId: string): Promise<SpanView[]> {
  await expect
    .poll(
      async () => {
        const page = await server.json<{ items: { traceId: string }[] }>(`/api/traces?userId=${userId}`);
        return page.items.map((t) => t.traceId);
      },
      { timeout: 20_000, interval: 250 },
    )
    .toContain(traceId);
  return (await server.json<{ spans: SpanView[] }>(`/api/traces/${traceId}`)).spans;
}

describe('@driftwatch/sdk packed and installed in a sample app', () => {
  it('packs the built ESM, its types, the README and package.json, and nothing else', async () => {
    expect(app.packed.files).toContain('dist/index.js');
    expect(app.packed.files).toContain('dist/index.d.ts');
    expect(app.packed.files).toContain('README.md');
    expect(app.packed.files).toContain('package.json');
    expect(app.packed.files.filter((f) => !/^dist\/.*\.(js|d\.ts)$/.test(f))).toEqual([
      'README.md',
      'package.json',
    ]);
    expect(app.packed.files.some((f) => f.includes('.test.'))).toBe(false);
    // The app type-checks against the installed package's types (exports -> types).
    await expect(app.typecheck()).resolves.toBe('');
  });

  it('sends the OpenAI call and the app span with the withContext values, release and environment', async () => {
    const chatsBefore = fakeOpenAI.requests.filter((r) => r.path === '/v1/chat/completions').length;
    const result = await app.run(appOptions({ scenario: 'own' }));
    expect(result.tracingMode).toBe('own');
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.answer).toContain('Fake answer to: How do I get a refund');
    expect(fakeOpenAI.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(
      chatsBefore + 1,
    );

    const spans = await storedTrace(result.traceId!, CONTEXT.userId);
    const root = spans.find((s) => s.name === 'answer-question');
    const call = spans.find((s) => s.llm !== null);
    expect(root).toBeDefined();
    expect(call).toBeDefined();
    expect(call!.parentSpanId).toBe(root!.spanId);
    expect(call!.llm).toMatchObject({ provider: 'openai', requestModel: 'gpt-4o-mini' });
    expect(call!.llm!.inputMessages.at(-1)?.parts[0]?.content).toBe('How do I get a refund for order 1234?');
    expect(call!.llm!.outputMessages[0]?.parts[0]?.content).toBe(result.answer);
    expect(call!.llm!.usage.inputTokens).toBeGreaterThan(0);

    for (const span of [root!, call!]) {
      expect(span.attributes).toMatchObject({
        'user.id': CONTEXT.userId,
        'session.id': CONTEXT.sessionId,
        'llm.prompt_template.name': 'refund-answer',
        'llm.prompt_template.version': '7',
      });
      expect(JSON.parse(String(span.attributes['metadata']))).toEqual(CONTEXT.metadata);
      expect(span.resource).toMatchObject({
        'service.name': 'sdk-sample-app',
        'service.version': 'sample-app@1.4.2',
        'deployment.environment.name': 'staging',
      });
    }
    // The nested withContext added a tag for the call only.
    expect(root!.attributes['tag.tags']).toEqual(['sdk-e2e']);
    expect(call!.attributes['tag.tags']).toEqual(['sdk-e2e', 'llm-call']);

    const page = await server.json<{ items: { traceId: string; userId: string; sessionId: string }[] }>(
      `/api/traces?sessionId=${CONTEXT.sessionId}`,
    );
    expect(page.items.find((t) => t.traceId === result.traceId)).toMatchObject({
      userId: CONTEXT.userId,
      sessionId: CONTEXT.sessionId,
    });
  });

  it("joins the app's own tracer provider instead of replacing it", async () => {
    const context = { ...CONTEXT, userId: 'user-sdk-attached' };
    const result = await app.run(appOptions({ scenario: 'attached', context }));
    expect(result.tracingMode).toBe('attached');
    // The app's own pipeline still gets every span.
    expect(result.appExportedSpans).toEqual(
      expect.arrayContaining(['answer-question', 'OpenAI Chat Completions']),
    );

    const spans = await storedTrace(result.traceId!, context.userId);
    expect(spans.map((s) => s.name).sort()).toEqual(['OpenAI Chat Completions', 'answer-question']);
    for (const span of spans) {
      expect(span.attributes['user.id']).toBe('user-sdk-attached');
      // The app's resource, with Driftwatch's service name, release and environment laid over it.
      expect(span.resource).toMatchObject({
        'host.team': 'payments',
        'service.name': 'sdk-sample-app',
        'service.version': 'sample-app@1.4.2',
        'deployment.environment.name': 'staging',
      });
    }
  });

  it('instruments require("openai") in a CommonJS app without being handed the module', async () => {
    const context = { userId: 'user-sdk-commonjs', sessionId: 'session-sdk-commonjs' };
    const result = await app.run(appOptions({ context }), 'app-commonjs.cts');
    const spans = await storedTrace(result.traceId!, context.userId);
    const call = spans.find((s) => s.llm !== null);
    expect(call?.llm).toMatchObject({ provider: 'openai', requestModel: 'gpt-4o-mini' });
    expect(call?.attributes['session.id']).toBe('session-sdk-commonjs');
    expect(call?.resource['service.name']).toBe('sdk-sample-app-commonjs');
  });

  it('sends feedback in batches, waits out a 429 Retry-After, and resends the same idempotency keys', async () => {
    const fake = await startFakeFeedbackServer({
      apiKey: 'dw_fake',
      port: await freePort(),
      throttleFirst: 1,
    });
    try {
      const result = await app.run(
        appOptions({ scenario: 'feedback', endpoint: fake.url, apiKey: 'dw_fake', feedbackCount: 250 }),
      );
      expect(result.feedbackError).toBeNull();
      expect(result.feedbackKeys).toHaveLength(250);
      expect(new Set(result.feedbackKeys).size).toBe(250);

      const [first, second, ...rest] = fake.requests;
      expect(first?.status).toBe(429);
      expect(second?.status).toBe(200);
      expect(second?.items.map((i) => i.idempotencyKey)).toEqual(first?.items.map((i) => i.idempotencyKey));
      expect(fake.requests.every((r) => r.authorization === 'Bearer dw_fake')).toBe(true);
      expect(fake.requests.every((r) => r.items.length <= 100)).toBe(true);
      expect(rest.every((r) => r.status === 200)).toBe(true);
      // Every item stored once, in the order given, with what the app sent.
      const delivered = fake.requests.filter((r) => r.status === 200).flatMap((r) => r.items);
      expect(delivered.map((i) => i.idempotencyKey)).toEqual(result.feedbackKeys);
      expect([...fake.stored.keys()].sort()).toEqual([...result.feedbackKeys].sort());
      expect(fake.stored.get(result.feedbackKeys[0]!)).toMatchObject({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        name: 'thumbs',
        value: false,
        comment: 'The refund steps are wrong.',
        correction: 'Open Orders, pick order 1234, then Request refund.',
        userId: CONTEXT.userId,
        metadata: { source: 'sample-app' },
      });
      expect(typeof fake.stored.get(result.feedbackKeys[0]!)?.timeMs).toBe('number');
      expect(result.feedbackStats).toMatchObject({ accepted: 250, duplicates: 0, failed: 0, queued: 0 });
    } finally {
      await fake.close();
    }
  });

  it('sends the buffered feedback of a script that ends without flush() or shutdown()', async () => {
    const fake = await startFakeFeedbackServer({ apiKey: 'dw_fake', port: await freePort() });
    try {
      const result = await app.run(
        appOptions({
          scenario: 'feedback',
          endpoint: fake.url,
          apiKey: 'dw_fake',
          feedbackCount: 5,
          forgetShutdown: true,
        }),
      );
      // Still buffered when the script's last line ran (the interval timer does not keep a process alive)...
      expect(result.feedbackStats).toMatchObject({ queued: 5, accepted: 0 });
      // ...and delivered before the process exited.
      expect([...fake.stored.keys()].sort()).toEqual([...result.feedbackKeys].sort());
    } finally {
      await fake.close();
    }
  });

  it('tells the app when the key is refused, without retrying', async () => {
    const fake = await startFakeFeedbackServer({ apiKey: 'dw_fake', port: await freePort() });
    try {
      const result = await app.run(
        appOptions({ scenario: 'feedback', endpoint: fake.url, apiKey: 'dw_wrong', feedbackCount: 3 }),
      );
      expect(result.feedbackError).toMatch(/^401: 3 feedback item\(s\) not delivered: .*answered 401/);
      expect(fake.requests.map((r) => r.status)).toEqual([401]);
      expect(result.feedbackStats).toMatchObject({ failed: 3, accepted: 0 });
    } finally {
      await fake.close();
    }
  });
});
