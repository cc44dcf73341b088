/**
 * The CommonJS flavour of the sample app: require('openai') after init() is hooked by the OpenAI instrumentation
 * without passing the module. Options in SAMPLE_APP (JSON); prints {traceId} as one JSON line.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS app, as users write them */
const { init, withContext, currentTraceId, shutdown } = require('@driftwatch/sdk');

async function main(): Promise<void> {
  const options = JSON.parse(process.env.SAMPLE_APP ?? '{}');
  init({
    endpoint: options.endpoint,
    apiKey: options.apiKey,
    serviceName: 'sdk-sample-app-commonjs',
    release: options.release,
    environment: options.environment,
  });
  const { OpenAI } = require('openai');
  const client = new OpenAI({ apiKey: 'sk-fake', baseURL: options.openaiBaseUrl });
  const { trace } = require('@opentelemetry/api');
  const traceId = await withContext(options.context, () =>
    trace.getTracer('sample-app').startActiveSpan('answer-question', async (span: { end(): void }) => {
      // .withResponse(): openai's APIPromise survives the instrumentation (same build as the app's).
      await client.chat.completions
        .create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'How do I get a refund for order 1234?' }],
        })
        .withResponse();
      span.end();
      return currentTraceId();
    }),
  );
  await shutdown();
  console.log(JSON.stringify({ traceId }));
}

void main();
