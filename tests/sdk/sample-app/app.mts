/**
 * A small app using the packed @driftwatch/sdk as a user would: installed from the tarball next to openai, run as
 * ESM with Node (types stripped). tests/sdk/sample-app.ts copies it into a temporary folder.
 *
 * Options come in SAMPLE_APP (JSON); one JSON line of results goes to stdout. Scenarios:
 * - "own": init() registers its tracer provider; one chat call inside withContext and an app span.
 * - "attached": the app registered its own tracer provider first; init() joins it.
 * - "feedback": sends `feedbackCount` feedback items (no LLM call) and prints the feedback stats.
 * Every scenario sends `feedbackCount` items for the trace it made (none when 0), flushes and shuts down.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as openai from 'openai';
import {
  currentTraceId,
  feedback,
  FeedbackDeliveryError,
  init,
  shutdown,
  withContext,
  type DriftwatchContext,
} from '@driftwatch/sdk';

interface Options {
  scenario: 'own' | 'attached' | 'feedback';
  endpoint: string;
  apiKey: string;
  openaiBaseUrl?: string;
  release: string;
  environment: string;
  context: DriftwatchContext;
  feedbackCount: number;
  /** Feedback goes to this trace instead of the one the app made (or a fixed id when it made none). */
  feedbackTraceId?: string;
  /** Keys `${prefix}-${i}` instead of generated ones, so a second run resends the same items. */
  idempotencyKeyPrefix?: string;
  /** Neither flush() nor shutdown(): the script just ends. */
  forgetShutdown?: boolean;
}

const options = JSON.parse(process.env.SAMPLE_APP ?? '{}') as Options;

// The "attached" app already traces with OpenTelemetry (its own exporter, here in memory) before Driftwatch.
const appExporter = new InMemorySpanExporter();
if (options.scenario === 'attached') {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'host-app', 'host.team': 'payments' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: appExporter })],
    }),
  );
}

const driftwatch = init({
  endpoint: options.endpoint,
  apiKey: options.apiKey,
  serviceName: 'sdk-sample-app',
  release: options.release,
  environment: options.environment,
  instrumentations: { openai },
  feedback: { flushIntervalMs: 200, initialBackoffMs: 100 },
});

let traceId: string | undefined;
let answer: string | null = null;
if (options.scenario !== 'feedback') {
  const client = new openai.OpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });
  const tracer = trace.getTracer('sample-app');
  [traceId, answer] = await withContext(options.context, () =>
    tracer.startActiveSpan('answer-question', async (span) => {
      // Nested: the LLM call inherits the outer values and adds a tag.
      // .withResponse() is openai's APIPromise: it survives only if the instrumentation matched openai's build.
      const { data: completion } = await withContext({ tags: ['llm-call'] }, () =>
        client.chat.completions
          .create({
            model: 'gpt-4o-mini',
            messages: [
              { role: 'system', content: 'You answer questions about refunds.' },
              { role: 'user', content: 'How do I get a refund for order 1234?' },
            ],
          })
          .withResponse(),
      );
      const id = currentTraceId();
      span.end();
      return [id, completion.choices[0]?.message.content ?? null] as const;
    }),
  );
}

const feedbackKeys: string[] = [];
const feedbackTrace = options.feedbackTraceId ?? traceId ?? '0af7651916cd43dd8448eb211c80319c';
for (let i = 0; i < options.feedbackCount; i++) {
  feedbackKeys.push(
    feedback({
      traceId: feedbackTrace,
      name: i === 0 ? 'thumbs' : 'helpfulness',
      value: i === 0 ? false : i,
      comment: i === 0 ? 'The refund steps are wrong.' : undefined,
      correction: i === 0 ? 'Open Orders, pick order 1234, then Request refund.' : undefined,
      userId: options.context.userId,
      metadata: { source: 'sample-app' },
      idempotencyKey: options.idempotencyKeyPrefix ? `${options.idempotencyKeyPrefix}-${i}` : undefined,
    }),
  );
}
let feedbackError: string | null = null;
if (!options.forgetShutdown) {
  try {
    await driftwatch.flush();
  } catch (error) {
    feedbackError =
      error instanceof FeedbackDeliveryError ? `${error.status}: ${error.message}` : String(error);
  }
}
const stats = driftwatch.feedbackStats();
// A script that forgets shutdown() ends here: its buffered feedback leaves when the event loop runs dry.
if (!options.forgetShutdown) await shutdown();

console.log(
  JSON.stringify({
    traceId,
    answer,
    tracingMode: driftwatch.tracingMode,
    appExportedSpans: appExporter.getFinishedSpans().map((s) => s.name),
    feedbackKeys,
    feedbackStats: stats,
    feedbackError,
  }),
);
