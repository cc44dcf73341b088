import { describe, expect, it } from 'vitest';
import type { GenAiLogRecord } from './index.js';
import { messagesFromLogRecords } from './index.js';
import { sid, T0, TRACE_ID } from './testing/otlp-builders.js';

const log = (name: string, body: GenAiLogRecord['body'], spanId = sid(1)): GenAiLogRecord => ({
  traceId: TRACE_ID,
  spanId,
  timeUnixNano: T0,
  eventName: '',
  body,
  attributes: { 'event.name': name, 'gen_ai.system': 'openai' },
});

describe('GenAI content from log records (joined to their span when read)', () => {
  it('reads the messages of a span from its linked log records', () => {
    const llm = messagesFromLogRecords([
      log('gen_ai.system.message', { content: 'Be brief.' }),
      log('gen_ai.user.message', { content: 'Weather?' }),
      log('gen_ai.choice', {
        index: 0,
        finish_reason: 'tool_calls',
        message: {
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
      }),
      log('http.request', { content: 'not genai' }),
    ]);
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]);
    expect(llm.toolCalls).toEqual([{ id: 'c1', name: 'get_weather', arguments: '{}' }]);
    expect(llm.outputMessages[0]?.finishReason).toBe('tool_call');
  });

  it('uses the OTLP eventName when present', () => {
    const llm = messagesFromLogRecords([
      { ...log('', { content: 'Hi' }), eventName: 'gen_ai.user.message', attributes: {} },
    ]);
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
  });
});
