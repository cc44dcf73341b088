// A scenario's calls as OTLP/JSON trace requests: one CLIENT chat span per call with the OTel GenAI semantic
// conventions (gen_ai.request.model, gen_ai.usage.*, gen_ai.input/output.messages), the release as the resource's
// service.version (what libs/normalize reads as release), user.id, and status ERROR for failed calls.

import { createHash } from 'node:crypto';

const PROVIDER = { 'gpt-4o-mini': 'openai', 'gpt-4.1': 'openai', 'claude-sonnet-4-5': 'anthropic' };
const SYSTEM_PROMPT = 'You are the assistant of a bank and travel app. Answer briefly and politely.';

const providerOf = (model) => PROVIDER[model] ?? (/^claude/.test(model) ? 'anthropic' : 'openai');

/** Stable ids per (scenario, call index), so a rerun sends the same spans. */
export function idsOf(scenario, index) {
  const h = createHash('sha256').update(`${scenario}:${index}`).digest('hex');
  return { traceId: h.slice(0, 32), spanId: h.slice(32, 48) };
}

const attr = (key, value) => ({
  key,
  value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: String(value) },
});

function spanOf(call, ids) {
  const startNs = BigInt(call.timeMs) * 1_000_000n;
  const endNs = startNs + BigInt(Math.round(call.latencyMs ?? 0)) * 1_000_000n;
  const input = [
    { role: 'system', parts: [{ type: 'text', content: SYSTEM_PROMPT }] },
    { role: 'user', parts: [{ type: 'text', content: call.request }] },
  ];
  const attributes = [
    attr('gen_ai.operation.name', 'chat'),
    attr('gen_ai.provider.name', providerOf(call.model)),
    attr('gen_ai.request.model', call.model),
    attr('gen_ai.response.model', call.model),
    attr('gen_ai.input.messages', JSON.stringify(input)),
  ];
  if (Number.isFinite(call.inputTokens)) attributes.push(attr('gen_ai.usage.input_tokens', call.inputTokens));
  if (Number.isFinite(call.outputTokens))
    attributes.push(attr('gen_ai.usage.output_tokens', call.outputTokens));
  if (call.response)
    attributes.push(
      attr(
        'gen_ai.output.messages',
        JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: call.response }], finish_reason: 'stop' },
        ]),
      ),
    );
  if (call.userId) attributes.push(attr('user.id', call.userId));
  if (call.error) attributes.push(attr('error.type', 'provider_error'));
  return {
    traceId: ids.traceId,
    spanId: ids.spanId,
    name: `chat ${call.model}`,
    kind: 3, // SPAN_KIND_CLIENT
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: endNs.toString(),
    attributes,
    status: call.error ? { code: 2, message: 'the provider answered 500' } : { code: 1 },
  };
}

/** One OTLP/JSON request body for `calls` (each with timeMs and its index), one resource per release. */
export function otlpBody(scenario, calls) {
  const byRelease = new Map();
  for (const call of calls) {
    const release = call.release ?? '';
    if (!byRelease.has(release)) byRelease.set(release, []);
    byRelease.get(release).push(spanOf(call, idsOf(scenario, call.index)));
  }
  return JSON.stringify({
    resourceSpans: [...byRelease.entries()].map(([release, spans]) => ({
      resource: {
        attributes: [
          attr('service.name', 'assistant-api'),
          ...(release ? [attr('service.version', release)] : []),
          attr('deployment.environment.name', 'production'),
        ],
      },
      scopeSpans: [{ scope: { name: 'driftwatch-eval-detectors' }, spans }],
    })),
  });
}
