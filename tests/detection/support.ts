import { expect } from 'vitest';
import type { DriftwatchServer } from '../support/driftwatch-server.js';
import { hexId } from '../support/otlp-payloads.js';

export const HOUR = 3_600_000;

export interface Call {
  traceId: string;
  startMs: number;
  latencyMs: number;
  model: string;
  error?: boolean;
}

/** Deterministic values around `mean` (±spread), so a run over the same data gives the same answer. */
export function jittered(mean: number, spread: number, i: number): number {
  const u = (((Math.sin(i * 12.9898) * 43758.5453) % 1) + 1) % 1;
  return mean + (u * 2 - 1) * spread;
}

/** `count` calls of `model` spread over [fromMs, fromMs + 1h), latency around `latencyMs`. */
export function hourOfCalls(
  fromMs: number,
  model: string,
  count: number,
  latencyMs: number,
  seed: number,
): Call[] {
  return Array.from({ length: count }, (_, i) => ({
    traceId: hexId(16),
    startMs: fromMs + Math.floor(((i + 0.5) * HOUR) / count),
    latencyMs: Math.round(jittered(latencyMs, latencyMs * 0.15, seed * 1000 + i)),
    model,
  }));
}

/** Sends the calls as OTel GenAI model-call spans over OTLP/JSON, in requests of 500. */
export async function sendCalls(server: DriftwatchServer, calls: Call[], key = server.apiKey): Promise<void> {
  for (let i = 0; i < calls.length; i += 500) {
    const spans = calls.slice(i, i + 500).map((c) => {
      const start = BigInt(c.startMs) * 1_000_000n;
      return {
        traceId: c.traceId,
        spanId: hexId(8),
        name: `chat ${c.model}`,
        kind: 3,
        startTimeUnixNano: start.toString(),
        endTimeUnixNano: (start + BigInt(c.latencyMs) * 1_000_000n).toString(),
        attributes: [
          ['gen_ai.operation.name', 'chat'],
          ['gen_ai.provider.name', 'openai'],
          ['gen_ai.request.model', c.model],
        ]
          .map(([k, v]) => ({ key: k, value: { stringValue: v } }))
          .concat([
            { key: 'gen_ai.usage.input_tokens', value: { intValue: '100' } as never },
            { key: 'gen_ai.usage.output_tokens', value: { intValue: '20' } as never },
          ]),
        status: c.error ? { code: 2, message: 'upstream 500' } : {},
      };
    });
    const response = await server.fetch(
      '/v1/traces',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'support-bot' } }] },
              scopeSpans: [{ scope: { name: 'it' }, spans }],
            },
          ],
        }),
      },
      key,
    );
    expect(response.status).toBe(200);
  }
}
