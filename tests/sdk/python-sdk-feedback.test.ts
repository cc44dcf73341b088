/**
 * Feedback from the Python SDK to a real server (POST /api/feedback, GET /api/traces/{id}/feedback): the sample app
 * judges the answer it traced, the server stores it once, and the same judgement sent again with its idempotency
 * key is answered as a duplicate and not stored twice.
 *
 * Named .merge.ts so the suite on a branch without POST /api/feedback does not run it: rename it to
 * python-sdk-feedback.test.ts where the feedback API is merged (and drop its knip.json entry).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import {
  buildAndInstallSdk,
  exec,
  runSampleApp,
  type InstalledSdk,
  type SampleResult,
} from './python-sdk-support.ts';

const KEY = 'python-sdk-e2e-feedback-1';

let sdk: InstalledSdk;
let server: DriftwatchServer;
let fake: FakeOpenAI;
let result: SampleResult;

beforeAll(async () => {
  [sdk, server, fake] = await Promise.all([
    buildAndInstallSdk(),
    DriftwatchServer.start(),
    startFakeOpenAI(),
  ]);
  result = await runSampleApp(sdk, {
    endpoint: server.url,
    apiKey: server.apiKey,
    openaiBaseUrl: fake.baseUrl,
    userId: 'py-feedback-user',
    sessionId: 'py-feedback-session',
    release: 'r1',
    environment: 'e2e-python',
    feedback: true,
    feedbackKey: KEY,
  });
}, 900_000);
afterAll(async () => {
  await Promise.all([server?.stop(), fake?.close()]);
  sdk?.remove();
});

interface StoredFeedback {
  traceId: string;
  spanId: string;
  name: string;
  value: unknown;
  comment: string;
  correction: string;
  userId: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
  source: string;
}

it('sends the judgement and the server accepts it', () => {
  expect(result.feedbackKey).toBe(KEY);
  expect(result.errors).toEqual([]);
  expect(result.feedback).toMatchObject({ accepted: 1, duplicates: 0, failed: 0, pending: 0 });
});

it('stores it with the trace, as given', async () => {
  const { items } = await server.json<{ items: StoredFeedback[] }>(`/api/traces/${result.traceId}/feedback`);
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({
    traceId: result.traceId,
    spanId: result.spanId,
    name: 'thumbs',
    value: false,
    comment: 'It did not say where the order is.',
    correction: 'Order 1234 shipped today and arrives on Thursday.',
    userId: 'py-feedback-user',
    metadata: { channel: 'web' },
    idempotencyKey: KEY,
    source: 'api_key',
  });
});

it('stores a judgement sent again with the same idempotency key once', async () => {
  // The same item from another process, as an application retrying on its own would send it.
  const script = [
    'import json, sys, driftwatch',
    'driftwatch.init(service_name="resend", instrument_openai=False)',
    'driftwatch.feedback(trace_id=sys.argv[1], span_id=sys.argv[2], name="thumbs", value=False,',
    '    comment="It did not say where the order is.", user_id="py-feedback-user", idempotency_key=sys.argv[3])',
    'ok = driftwatch.flush(timeout=30)',
    's = driftwatch.feedback_stats()',
    'print(json.dumps({"ok": ok, "accepted": s.accepted, "duplicates": s.duplicates, "failed": s.failed}))',
  ].join('\n');
  const { stdout } = await exec(sdk.python, ['-c', script, result.traceId, result.spanId, KEY], {
    cwd: sdk.copy,
    env: { DRIFTWATCH_ENDPOINT: server.url, DRIFTWATCH_API_KEY: server.apiKey },
  });
  expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
    ok: true,
    accepted: 0,
    duplicates: 1,
    failed: 0,
  });
  const { items } = await server.json<{ items: StoredFeedback[] }>(`/api/traces/${result.traceId}/feedback`);
  expect(items.map((i) => i.idempotencyKey)).toEqual([KEY]);
});

it('sends many judgements in batches, each stored', async () => {
  const script = [
    'import json, sys, driftwatch',
    'driftwatch.init(service_name="batches", instrument_openai=False)',
    'for i in range(250):',
    '    driftwatch.feedback(trace_id=sys.argv[1], name="score", value=i / 250, comment=f"reviewer {i}")',
    'ok = driftwatch.flush(timeout=60)',
    's = driftwatch.feedback_stats()',
    'print(json.dumps({"ok": ok, "accepted": s.accepted, "failed": s.failed, "pending": s.pending}))',
  ].join('\n');
  const { stdout } = await exec(sdk.python, ['-c', script, result.traceId], {
    cwd: sdk.copy,
    env: { DRIFTWATCH_ENDPOINT: server.url, DRIFTWATCH_API_KEY: server.apiKey },
  });
  expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
    ok: true,
    accepted: 250,
    failed: 0,
    pending: 0,
  });
  const { items } = await server.json<{ items: StoredFeedback[] }>(`/api/traces/${result.traceId}/feedback`);
  const scores = items.filter((i) => i.name === 'score').map((i) => i.comment);
  expect(new Set(scores)).toEqual(new Set(Array.from({ length: 250 }, (_, i) => `reviewer ${i}`)));
});
