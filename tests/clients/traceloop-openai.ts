/**
 * Client (d1): @traceloop/instrumentation-openai (OpenLLMetry) alone, on openai 6 (installed as the npm alias
 * `openai6`), with our own OpenTelemetry SDK and OTLP/HTTP protobuf exporter. The bare instrumentation has no
 * user/session support (association properties belong to @traceloop/node-server-sdk, see traceloop-sdk.ts).
 * Content capture is on (traceContent: true; TRACELOOP_TRACE_CONTENT defaults to true).
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import {
  authHeaders,
  registerTelemetry,
  tracesUrl,
  versionsOf,
  type ClientOptions,
  type ClientResult,
} from './common.ts';
import { makeOpenAICalls, type OpenAILike } from './openai-calls.ts';

export async function runTraceloopOpenAI(options: ClientOptions): Promise<ClientResult> {
  const telemetry = registerTelemetry(
    new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint), headers: authHeaders(options.apiKey) }),
    'driftwatch-e2e-traceloop-openai',
  );
  const instrumentation = new OpenAIInstrumentation({ traceContent: true, enrichTokens: false });
  instrumentation.setTracerProvider(telemetry.provider);
  const { default: OpenAI } = await import('openai6');
  instrumentation.manuallyInstrument(OpenAI as never);
  const openai = new OpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });

  const calls = await makeOpenAICalls(openai as unknown as OpenAILike, options.userId);

  await telemetry.shutdown();
  return {
    client: 'traceloop-openai',
    traceIds: telemetry.recorder.traceIds,
    spanNames: telemetry.recorder.spanNames,
    calls,
    versions: await versionsOf(['@traceloop/instrumentation-openai', 'openai6', '@opentelemetry/sdk-trace']),
  };
}
