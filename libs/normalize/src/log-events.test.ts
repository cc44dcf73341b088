import { describe, expect, it } from 'vitest';
import type { GenAiLogRecord } from './index.js';
import { normalizeTraceRequest } from './index.js';
import { llmOf, request, sid, span, T0, TRACE_ID } from './testing/otlp-builders.js';

const log = (name: string, body: GenAiLogRecord['body'], spanId = sid(1)): GenAiLogRecord => ({
  traceId: TRACE_ID,
  spanId,
  timeUnixNano: T0,
  eventName: '',
  body,
  attributes: { 'event.name': name, 'gen_ai.system': 'openai' },
});

describe('GenAI content from log records', () => {
  const chat = span({
    name: 'chat gpt-4o-mini',
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 35,
      'gen_ai.usage.output_tokens': 12,
    },
  });

  it('reads messages of the span from linked log records', () => {
    const result = normalizeTraceRequest(request([chat]), {
      projectId: 'p',
      logRecords: [
        log('gen_ai.system.message', { content: 'Be brief.' }),
        log('gen_ai.user.message', { content: 'Weather?' }),
        log('gen_ai.choice', {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
        }),
        log('gen_ai.user.message', { content: 'other span' }, sid(9)),
        log('http.request', { content: 'not genai' }),
      ],
    });
    const llm = llmOf(result.records[0]);
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Weather?' }] }]);
    expect(llm.toolCalls).toEqual([{ id: 'c1', name: 'get_weather', arguments: '{}' }]);
    expect(llm.outputMessages[0]?.finishReason).toBe('tool_call');
    // The span's own events are not rewritten.
    expect(result.records[0]?.events).toEqual([]);
  });

  it('uses the OTLP eventName when present', () => {
    const result = normalizeTraceRequest(request([chat]), {
      projectId: 'p',
      logRecords: [{ ...log('', { content: 'Hi' }), eventName: 'gen_ai.user.message', attributes: {} }],
    });
    expect(llmOf(result.records[0]).inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
  });
});
