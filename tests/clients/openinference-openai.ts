/**
 * Client (c): @arizeai/openinference-instrumentation-openai on openai 7, exporting OTLP/HTTP protobuf.
 * User and session come from OpenInference context attributes (setUser/setSession/setMetadata/setTags), which
 * the instrumentation copies onto every span it starts.
 */
import { context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { setMetadata, setSession, setTags, setUser } from '@arizeai/openinference-core';
import {
  authHeaders,
  registerTelemetry,
  tracesUrl,
  versionsOf,
  type ClientOptions,
  type ClientResult,
} from './common.ts';
import { makeOpenAICalls, type OpenAILike } from './openai-calls.ts';

export async function runOpenInferenceOpenAI(options: ClientOptions): Promise<ClientResult> {
  const telemetry = registerTelemetry(
    new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint), headers: authHeaders(options.apiKey) }),
    'driftwatch-e2e-openinference-openai',
  );
  const instrumentation = new OpenAIInstrumentation({ tracerProvider: telemetry.provider });
  // Loaded after the instrumentation exists; ESM is not hooked by require-in-the-middle, so patch it by hand.
  const openaiModule = await import('openai');
  instrumentation.manuallyInstrument(
    openaiModule as unknown as Parameters<typeof instrumentation.manuallyInstrument>[0],
  );
  const openai = new openaiModule.OpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });

  let ctx = setSession(context.active(), { sessionId: options.sessionId });
  ctx = setUser(ctx, { userId: options.userId });
  ctx = setMetadata(ctx, { tenant: 'e2e', feature: 'weather' });
  ctx = setTags(ctx, ['e2e', 'openinference']);
  const calls = await context.with(ctx, () =>
    makeOpenAICalls(openai as unknown as OpenAILike, options.userId),
  );

  await telemetry.shutdown();
  return {
    client: 'openinference-openai',
    traceIds: telemetry.recorder.traceIds,
    spanNames: telemetry.recorder.spanNames,
    calls,
    versions: await versionsOf([
      '@arizeai/openinference-instrumentation-openai',
      '@arizeai/openinference-core',
      'openai',
      '@opentelemetry/sdk-trace',
    ]),
  };
}
