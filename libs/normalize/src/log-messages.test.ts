import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GenAiLogRecord } from './log-events.js';
import { messagesFromLogRecords } from './log-messages.js';

const record = (eventName: string, body: unknown, timeUnixNano: bigint): GenAiLogRecord => ({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  timeUnixNano,
  eventName,
  body: body as GenAiLogRecord['body'],
  attributes: { 'gen_ai.system': 'openai' },
});

describe('messagesFromLogRecords', () => {
  it('rebuilds system, user, tool result and the choice with its tool call, in time order', () => {
    const messages = messagesFromLogRecords([
      record(
        'gen_ai.choice',
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
        },
        5n,
      ),
      record('gen_ai.user.message', { content: 'Weather in Paris?' }, 2n),
      record('gen_ai.system.message', { content: 'Be brief.' }, 1n),
      record('unrelated.event', { content: 'ignored' }, 3n),
    ]);
    expect(messages.systemInstructions).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(messages.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(messages.toolCalls).toEqual([{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(messages.finishReasons).toEqual(['tool_call']);
  });

  it('reads the log records captured from @opentelemetry/instrumentation-openai', () => {
    const captured = JSON.parse(
      readFileSync(
        new URL('../../../tests/fixtures/captured/otel-openai.logs.json', import.meta.url),
        'utf8',
      ),
    ) as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, unknown>> }> }> };
    const records = captured.resourceLogs
      .flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))
      .map(
        (r) => ({ ...r, timeUnixNano: BigInt(String(r.timeUnixNano ?? '0')) }) as unknown as GenAiLogRecord,
      );
    const firstSpan = records.find((r) => r.spanId)!.spanId;
    const messages = messagesFromLogRecords(records.filter((r) => r.spanId === firstSpan));
    expect(messages.systemInstructions).toEqual([
      { type: 'text', content: 'You are a concise assistant for the Driftwatch end-to-end tests.' },
    ]);
    expect(messages.inputMessages[0]).toEqual({
      role: 'user',
      parts: [{ type: 'text', content: 'What is the weather in Paris today?' }],
    });
    expect(messages.toolCalls.map((c) => c.name)).toEqual(['get_weather']);
  });
});
