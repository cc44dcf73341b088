/**
 * Client (d2): @traceloop/node-server-sdk (OpenLLMetry SDK; brings its own OpenTelemetry SDK 2.x and OTLP/HTTP
 * protobuf exporter, which sends `Authorization: Bearer <apiKey>` to `<baseUrl>/v1/traces`). openai 6 (alias
 * `openai6`) is instrumented through `instrumentModules`. User and session are association properties on a
 * workflow, copied by the SDK onto every child span as `traceloop.association.properties.*`; the conversation id
 * becomes `gen_ai.conversation.id`. Sync with Traceloop's cloud is off (TRACELOOP_SYNC_ENABLED=false).
 */
import { SpanRecorder, versionsOf, type ClientOptions, type ClientResult } from './common.ts';
import { makeOpenAICalls, type OpenAILike } from './openai-calls.ts';

export async function runTraceloopSdk(options: ClientOptions): Promise<ClientResult> {
  process.env.TRACELOOP_SYNC_ENABLED = 'false';
  process.env.TRACELOOP_TRACE_CONTENT = 'true';
  const traceloop = await import('@traceloop/node-server-sdk');
  const { default: OpenAI } = await import('openai6');
  const recorder = new SpanRecorder();
  traceloop.initialize({
    appName: 'driftwatch-e2e-traceloop-sdk',
    baseUrl: options.otlpEndpoint.replace(/\/+$/, '').replace(/\/v1\/traces$/, ''),
    apiKey: options.apiKey,
    disableBatch: false,
    traceContent: true,
    traceloopSyncEnabled: false,
    silenceInitializationMessage: true,
    instrumentModules: { openAI: OpenAI as never },
    processor: recorder as never,
  });
  const openai = new OpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });

  const calls = await traceloop.withWorkflow(
    {
      name: 'weather_workflow',
      associationProperties: { user_id: options.userId, session_id: options.sessionId },
      conversationId: options.sessionId,
    },
    () =>
      traceloop.withAgent({ name: 'weather_agent' }, () =>
        makeOpenAICalls(openai as unknown as OpenAILike, options.userId),
      ),
  );

  await traceloop.forceFlush();
  return {
    client: 'traceloop-sdk',
    traceIds: recorder.traceIds,
    spanNames: recorder.spanNames,
    calls: calls as string[],
    versions: await versionsOf([
      '@traceloop/node-server-sdk',
      '@traceloop/instrumentation-openai',
      'openai6',
    ]),
  };
}
