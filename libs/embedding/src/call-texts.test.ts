import { llmCall } from '@driftwatch/contract-tests';
import type { Message } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { callTexts } from './call-texts.js';

const user = (content: string): Message => ({ role: 'user', parts: [{ type: 'text', content }] });
const assistant = (content: string): Message => ({ role: 'assistant', parts: [{ type: 'text', content }] });

describe('callTexts', () => {
  it('embeds the last user message and the response as two inputs, without the system prompt', () => {
    const call = llmCall({
      inputMessages: [user('Where is my parcel?'), assistant('Which order?'), user('  Order 42, please  ')],
      outputMessages: [assistant('It ships tomorrow.')],
    });
    expect(callTexts(call)).toEqual({
      inputs: [
        { field: 'request', text: 'Order 42, please' },
        { field: 'response', text: 'It ships tomorrow.' },
      ],
      empty: [],
      skippedNonTextParts: 0,
    });
  });

  it('puts the system instructions and system messages before the request when the project asks for it', () => {
    const call = llmCall({
      systemInstructions: [{ type: 'text', content: 'You are a support agent.' }],
      inputMessages: [{ role: 'developer', parts: [{ type: 'text', content: 'Be brief.' }] }, user('Hi')],
    });
    const { inputs } = callTexts(call, { includeSystemPrompt: true, response: false });
    expect(inputs).toEqual([{ field: 'request', text: 'You are a support agent.\nBe brief.\n\nHi' }]);
  });

  it('joins the text parts of a message and skips and counts its images and audio', () => {
    const call = llmCall({
      inputMessages: [
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'What is in this picture?' },
            { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBORw0KGgo=' },
            { type: 'uri', modality: 'audio', uri: 'https://example.com/a.mp3' },
            { type: 'text', content: 'And this sound?' },
          ],
        },
      ],
    });
    const result = callTexts(call, { response: false });
    expect(result.inputs).toEqual([{ field: 'request', text: 'What is in this picture?\nAnd this sound?' }]);
    expect(result.skippedNonTextParts).toBe(2);
  });

  it('does not embed empty or whitespace-only messages and says which fields were empty', () => {
    const call = llmCall({ inputMessages: [user(' \n\t ')], outputMessages: [assistant('')] });
    expect(callTexts(call)).toEqual({ inputs: [], empty: ['request', 'response'], skippedNonTextParts: 0 });
  });

  it('treats an image-only question as empty rather than falling back to an earlier message', () => {
    const call = llmCall({
      inputMessages: [
        user('Earlier question'),
        { role: 'user', parts: [{ type: 'file', modality: 'image', fileId: 'file-1' }] },
      ],
      outputMessages: [],
    });
    expect(callTexts(call)).toEqual({ inputs: [], empty: ['request', 'response'], skippedNonTextParts: 1 });
  });

  it('takes the first output message with text; tool calls and reasoning are neither embedded nor counted', () => {
    const call = llmCall({
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'tool_call', name: 'lookup', arguments: '{}' }] },
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'The user wants the status.' },
            { type: 'text', content: 'Shipped.' },
          ],
        },
        assistant('A second choice'),
      ],
    });
    expect(callTexts(call, { request: false })).toEqual({
      inputs: [{ field: 'response', text: 'Shipped.' }],
      empty: [],
      skippedNonTextParts: 0,
    });
  });

  it('embeds nothing of a disabled field and does not report it as empty', () => {
    const call = llmCall({ inputMessages: [user('Hello')], outputMessages: [assistant('')] });
    expect(callTexts(call, { response: false })).toEqual({
      inputs: [{ field: 'request', text: 'Hello' }],
      empty: [],
      skippedNonTextParts: 0,
    });
  });

  it('finds no request in a call without a user message (role matched case-insensitively)', () => {
    expect(callTexts(llmCall({ inputMessages: [assistant('only me')] }), { response: false }).inputs).toEqual(
      [],
    );
    expect(
      callTexts(llmCall({ inputMessages: [{ role: 'USER', parts: [{ type: 'text', content: 'Up' }] }] }))
        .inputs[0],
    ).toEqual({ field: 'request', text: 'Up' });
  });
});
