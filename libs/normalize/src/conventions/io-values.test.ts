import { describe, expect, it } from 'vitest';
import { messagesFromInputValue, messagesFromOutputValue } from './io-values.js';

describe('input.value / output.value fallback', () => {
  it('reads an Anthropic request with a top-level system prompt', () => {
    expect(
      messagesFromInputValue({
        'input.value': JSON.stringify({
          model: 'claude-3-5-haiku-latest',
          system: 'Be brief.',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        }),
      }),
    ).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
  });

  it('reads an Anthropic response with tool use and stop reason', () => {
    expect(
      messagesFromOutputValue({
        'output.value': JSON.stringify({
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'tu_1', name: 'weather', input: { city: 'Rome' } },
          ],
          stop_reason: 'tool_use',
        }),
      }),
    ).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: 'tu_1', name: 'weather', arguments: { city: 'Rome' } },
        ],
        finishReason: 'tool_use',
      },
    ]);
  });

  it('reads an OpenAI Responses API request and response', () => {
    expect(
      messagesFromInputValue({
        'input.value': JSON.stringify({ instructions: 'Sys', input: [{ role: 'user', content: 'Q' }] }),
      }),
    ).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Sys' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Q' }] },
    ]);
    expect(
      messagesFromOutputValue({
        'output.value': JSON.stringify({
          output: [
            { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan' }] },
            { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A' }] },
            { type: 'function_call', call_id: 'fc_1', name: 'f', arguments: '{}' },
          ],
        }),
      }),
    ).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Plan' },
          { type: 'text', content: 'A' },
          { type: 'tool_call', id: 'fc_1', name: 'f', arguments: '{}' },
        ],
      },
    ]);
  });

  it('reads a legacy completion request and response', () => {
    expect(messagesFromInputValue({ 'input.value': '{"prompt":"Once"}' })).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Once' }] },
    ]);
    expect(
      messagesFromOutputValue({ 'output.value': '{"choices":[{"text":" upon","finish_reason":"length"}]}' }),
    ).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: ' upon' }], finishReason: 'length' }]);
  });

  it('keeps an unknown JSON shape as raw text and ignores absent values', () => {
    expect(messagesFromInputValue({ 'input.value': '{"foo":1}' })).toEqual([
      { role: 'user', parts: [{ type: 'text', content: '{"foo":1}' }] },
    ]);
    expect(messagesFromOutputValue({})).toEqual([]);
  });
});
