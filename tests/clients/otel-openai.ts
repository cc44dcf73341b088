/**
 * Client (g): the official @opentelemetry/instrumentation-openai (contrib) on openai 6 (alias `openai6`; it
 * supports >=4.19 <7), with our OpenTelemetry SDK. Spans (`chat gpt-4o-mini`, `embeddings ...`) carry gen_ai.*
 * attributes; message content (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true) goes out as OTel *log
 * records* (gen_ai.user.message, gen_ai.choice, ...) on /v1/logs, exported OTLP/HTTP protobuf with the same
 * bearer token. The instrumentation has no manuallyInstrument(), so its module definition's patch() is applied
 * to the aliased module.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { logs, metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import {
  authHeaders,
  registerTelemetry,
  tracesUrl,
  versionsOf,
  type ClientOptions,
  type ClientResult,
} from './common.ts';
import { makeOpenAICalls, type OpenAILike } from './openai-calls.ts';

export async function runOtelOpenAI(options: ClientOptions): Promise<ClientResult> {
  process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
  const telemetry = registerTelemetry(
    new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint), headers: authHeaders(options.apiKey) }),
    'driftwatch-e2e-otel-openai',
  );
  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'driftwatch-e2e-otel-openai' }),
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({
          url: tracesUrl(options.otlpEndpoint).replace(/\/v1\/traces$/, '/v1/logs'),
          headers: authHeaders(options.apiKey),
        }),
        scheduledDelayMillis: 60_000,
      }),
    ],
  });
  logs.setGlobalLoggerProvider(loggerProvider);
  const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
  instrumentation.setTracerProvider(telemetry.provider);
  instrumentation.setLoggerProvider(loggerProvider);
  // 0.22.0 declares its histogram fields as class fields, which reset what the base constructor created;
  // setting a meter provider again recreates them (without it, streamed chats throw on `.record`).
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  const openaiModule = await import('openai6');
  for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.(openaiModule, '6');
  const openai = new openaiModule.default({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });

  const calls = await makeOpenAICalls(openai as unknown as OpenAILike, options.userId);

  await telemetry.shutdown();
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();
  return {
    client: 'otel-openai',
    traceIds: telemetry.recorder.traceIds,
    spanNames: telemetry.recorder.spanNames,
    calls,
    versions: await versionsOf([
      '@opentelemetry/instrumentation-openai',
      'openai6',
      '@opentelemetry/sdk-trace',
      '@opentelemetry/sdk-logs',
    ]),
  };
}
