import { describe, expect, it } from 'vitest';
import { splitSystem, toMessage, toMessages, toolCallsOf } from './messages.js';
import { toPart, toParts } from './parts.js';

describe('toPart', () => {
  it.each([
    ['a string', 'hi', { type: 'text', content: 'hi' }],
    ['OpenAI text', { type: 'text', text: 'hi' }, { type: 'text', content: 'hi' }],
    ['Responses input_text', { type: 'input_text', text: 'hi' }, { type: 'text', content: 'hi' }],
    ['Anthropic thinking', { type: 'thinking', thinking: 'hmm' }, { type: 'reasoning', content: 'hmm' }],
    [
      'an http image_url',
      { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
      { type: 'uri', modality: 'image', uri: 'https://x.test/a.png' },
    ],
    [
      'a data: image_url',
      { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
      { type: 'blob', modality: 'image', mimeType: 'image/jpeg', content: '/9j/4AAQ' },
    ],
    [
      'OpenAI input_audio',
      { type: 'input_audio', input_audio: { data: 'UklGR', format: 'wav' } },
      { type: 'blob', modality: 'audio', mimeType: 'audio/wav', content: 'UklGR' },
    ],
    [
      'an Anthropic base64 image',
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBOR' },
    ],
    [
      'an Anthropic tool_use',
      { type: 'tool_use', id: 'tu_1', name: 'calc', input: { x: 1 } },
      { type: 'tool_call', id: 'tu_1', name: 'calc', arguments: { x: 1 } },
    ],
    [
      'an Anthropic tool_result',
      { type: 'tool_result', tool_use_id: 'tu_1', content: '2' },
      { type: 'tool_call_response', id: 'tu_1', response: '2' },
    ],
    [
      'an AI SDK 5 tool-call with input',
      { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: { a: 1 } },
      { type: 'tool_call', id: 'c', name: 'f', arguments: { a: 1 } },
    ],
    [
      'an AI SDK 5 tool-result with output',
      { type: 'tool-result', toolCallId: 'c', toolName: 'f', output: { type: 'text', value: 'ok' } },
      { type: 'tool_call_response', id: 'c', response: { type: 'text', value: 'ok' } },
    ],
    [
      'an AI SDK file with a media type',
      { type: 'file', data: 'JVBERi0', mediaType: 'application/pdf' },
      { type: 'blob', modality: 'file', mimeType: 'application/pdf', content: 'JVBERi0' },
    ],
    ['an unknown part', { type: 'hologram', x: 1 }, { type: 'generic', value: { type: 'hologram', x: 1 } }],
    ['a number', 42, { type: 'generic', value: 42 }],
  ])('converts %s', (_label, raw, expected) => {
    expect(toPart(raw)).toEqual(expected);
  });

  it('returns no parts for null content', () => {
    expect(toParts(null)).toEqual([]);
  });
});

describe('toMessage', () => {
  it('turns OpenAI tool_calls into tool_call parts and drops the empty content', () => {
    expect(
      toMessage(
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        'user',
      ),
    ).toEqual({
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: '{"a":1}' }],
    });
  });

  it('turns a tool message into a tool_call_response', () => {
    expect(toMessage({ role: 'tool', tool_call_id: 'c1', content: '42' }, 'user')).toEqual({
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: 'c1', response: '42' }],
    });
  });

  it('unwraps an OpenAI choice and keeps its finish reason', () => {
    expect(
      toMessage({ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'x' } }, 'user'),
    ).toEqual({ role: 'assistant', parts: [{ type: 'text', content: 'x' }], finishReason: 'length' });
  });

  it('reads a legacy function_call', () => {
    expect(
      toMessage({ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }, 'user'),
    ).toEqual({
      role: 'assistant',
      parts: [{ type: 'tool_call', name: 'f', arguments: '{}' }],
    });
  });

  it('keeps the name and applies the default role', () => {
    expect(toMessage({ content: 'x', name: 'bob' }, 'user')).toEqual({
      role: 'user',
      name: 'bob',
      parts: [{ type: 'text', content: 'x' }],
    });
  });

  it('accepts { messages: [...] }', () => {
    expect(toMessages({ messages: [{ role: 'user', content: 'a' }] }, 'user')).toHaveLength(1);
  });
});

describe('splitSystem and toolCallsOf', () => {
  it('moves system and developer messages out of the input', () => {
    const { systemInstructions, inputMessages } = splitSystem(
      [
        { role: 'developer', parts: [{ type: 'text', content: 'D' }] },
        { role: 'user', parts: [{ type: 'text', content: 'U' }] },
        { role: 'system', parts: [{ type: 'text', content: 'S' }] },
      ],
      [],
    );
    expect(systemInstructions).toEqual([
      { type: 'text', content: 'D' },
      { type: 'text', content: 'S' },
    ]);
    expect(inputMessages.map((m) => m.role)).toEqual(['user']);
  });

  it('stringifies structured tool call arguments and omits missing ones', () => {
    expect(
      toolCallsOf([
        {
          role: 'assistant',
          parts: [
            { type: 'tool_call', id: 'a', name: 'f', arguments: { x: [1, 2] } },
            { type: 'tool_call', name: 'g' },
          ],
        },
      ]),
    ).toEqual([{ id: 'a', name: 'f', arguments: '{"x":[1,2]}' }, { name: 'g' }]);
  });
});
