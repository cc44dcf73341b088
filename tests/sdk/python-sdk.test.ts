/**
 * The Python SDK end to end: the wheel is built and installed into a virtualenv, its pytest suite passes against the
 * installed wheel, and the sample app (real OpenAI client, OpenInference instrumentation, real OTLP exporter) sends
 * a trace to a real Driftwatch server that the REST API then shows with the LLM call, user, session, prompt,
 * release and environment.
 */
import { traceDetailSchema, traceListPageSchema } from '@driftwatch/api-schema';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchServer } from '../support/driftwatch-server.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import {
  buildAndInstallSdk,
  exec,
  runSampleApp,
  type InstalledSdk,
  type SampleResult,
} from './python-sdk-support.ts';

type Trace = z.infer<typeof traceDetailSchema>;

let sdk: InstalledSdk;

beforeAll(async () => {
  sdk = await buildAndInstallSdk();
}, 900_000);
afterAll(() => sdk?.remove());

describe('Python SDK wheel', () => {
  it('installs as a package with its dependencies satisfied by the pinned versions', async () => {
    const { stdout } = await exec(
      sdk.python,
      [
        '-c',
        'import json, driftwatch, importlib.metadata as m; ' +
          'print(json.dumps({"file": driftwatch.__file__, "version": driftwatch.__version__, ' +
          '"requires": m.requires("driftwatch")}))',
      ],
      { cwd: sdk.copy },
    );
    const info = JSON.parse(stdout) as { file: string; version: string; requires: string[] };
    expect(info.file).toContain('site-packages/driftwatch/');
    expect(info.version).toBe('0.1.0');
    expect(info.requires.map((r) => r.split(/[<>=!~ ;]/)[0])).toEqual(
      expect.arrayContaining([
        'opentelemetry-sdk',
        'opentelemetry-exporter-otlp-proto-http',
        'openinference-instrumentation-openai',
      ]),
    );
    const check = await exec(sdk.python, ['-m', 'pip', 'check', '--disable-pip-version-check']);
    expect(check.stdout).toMatch(/No broken requirements found/);
  });

  it('passes its pytest suite against the installed wheel', async () => {
    const { stdout } = await exec(sdk.python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], {
      cwd: sdk.copy,
      timeout: 300_000,
    });
    // Only passes (warnings allowed): a skipped, failed or erroring test changes this line.
    const summary = /^(\d+) passed(?:, \d+ warnings?)? in [\d.]+s/m.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(40);
  });
});

describe('Python SDK sample app against a real server', () => {
  let server: DriftwatchServer;
  let fake: FakeOpenAI;
  let result: SampleResult;
  let trace: Trace;

  beforeAll(async () => {
    [server, fake] = await Promise.all([DriftwatchServer.start(), startFakeOpenAI()]);
    result = await runSampleApp(sdk, {
      endpoint: server.url,
      apiKey: server.apiKey,
      openaiBaseUrl: fake.baseUrl,
      userId: 'py-user-1',
      sessionId: 'py-session-1',
      release: '2026.11.30-py',
      environment: 'e2e-python',
    });
    trace = await waitForTrace(server, result.traceId);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), fake?.close()]);
  });

  it('lists the trace under the user and session set with driftwatch.context', async () => {
    const page = traceListPageSchema.parse(
      await server.json(`/api/traces?userId=py-user-1&sessionId=py-session-1`),
    );
    expect(page.items.map((t) => t.traceId)).toEqual([result.traceId]);
    const [summary] = page.items;
    expect(summary).toMatchObject({ llmCallCount: 1, models: ['gpt-4o-mini'], status: 'ok' });
    expect(summary!.inputTokens).toBeGreaterThan(0);
  });

  it('holds the LLM call made through the instrumented OpenAI client, inside the app span', () => {
    const byName = new Map(trace.spans.map((s) => [s.name, s]));
    const parent = byName.get('answer_question');
    const llm = trace.spans.find((s) => s.llm);
    expect(parent?.spanId).toBe(result.spanId);
    expect(llm?.parentSpanId).toBe(parent?.spanId);
    expect(llm?.llm).toMatchObject({ operation: 'chat', requestModel: 'gpt-4o-mini' });
    const output = llm!.llm!.outputMessages.flatMap((m) => m.parts);
    expect(output).toContainEqual({ type: 'text', content: result.answer });
    const input = llm!.llm!.inputMessages.flatMap((m) => m.parts);
    expect(input).toContainEqual({ type: 'text', content: 'Where is my order 1234?' });
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
  });

  it('carries user, session, tags, metadata and prompt on every span', () => {
    for (const span of trace.spans) {
      expect(span.attributes).toMatchObject({
        'user.id': 'py-user-1',
        'session.id': 'py-session-1',
        'tag.tags': ['sample', 'python-sdk'],
        'llm.prompt_template.name': 'support-answer',
        'llm.prompt_template.version': '3',
      });
      expect(JSON.parse(String(span.attributes['metadata']))).toEqual({ channel: 'web' });
    }
  });

  it('carries release and environment in the resource', () => {
    for (const span of trace.spans) {
      expect(span.resource).toMatchObject({
        'service.name': 'driftwatch-sample-app',
        'service.version': '2026.11.30-py',
        'deployment.environment.name': 'e2e-python',
      });
    }
  });
});

describe('Python SDK joining an app that has its own TracerProvider', () => {
  let server: DriftwatchServer;
  let fake: FakeOpenAI;

  beforeAll(async () => {
    [server, fake] = await Promise.all([DriftwatchServer.start(), startFakeOpenAI()]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), fake?.close()]);
  });

  it("sends the app's spans with its service name and the release and environment given to init()", async () => {
    const result = await runSampleApp(sdk, {
      endpoint: server.url,
      apiKey: server.apiKey,
      openaiBaseUrl: fake.baseUrl,
      userId: 'py-user-2',
      sessionId: 'py-session-2',
      release: '2026.11.30-joined',
      environment: 'e2e-joined',
      ownProvider: true,
    });
    const trace = await waitForTrace(server, result.traceId);
    expect(trace.spans.map((s) => s.name).sort()).toEqual(['ChatCompletion', 'answer_question']);
    for (const span of trace.spans) {
      expect(span.resource).toMatchObject({
        'service.name': 'app-own-provider',
        'service.version': '2026.11.30-joined',
        'deployment.environment.name': 'e2e-joined',
      });
      expect(span.attributes).toMatchObject({ 'user.id': 'py-user-2', 'session.id': 'py-session-2' });
    }
  });
});

/** Polls the trace until both of the sample app's spans are stored (the writer batches for up to 200 ms). */
async function waitForTrace(server: DriftwatchServer, traceId: string): Promise<Trace> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await server.fetch(`/api/traces/${traceId}`);
    if (response.ok) {
      const trace = traceDetailSchema.parse(await response.json());
      if (trace.spans.length >= 2) return trace;
    }
    if (Date.now() > deadline)
      throw new Error(`trace ${traceId} did not arrive (last status ${response.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
