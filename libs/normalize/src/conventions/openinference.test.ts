import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, span } from '../testing/otlp-builders.js';

const llmSpan = {
  'openinference.span.kind': 'LLM',
  'llm.model_name': 'gpt-4o-2024-08-06',
  'llm.provider': 'openai',
  'llm.system': 'openai',
  'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o', temperature: 0 }),
  'input.value': JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'RAW' }] }),
  'input.mime_type': 'application/json',
  'output.value': '{"id":"chatcmpl-1"}',
  'llm.input_messages.0.message.role': 'system',
  'llm.input_messages.0.message.content': 'You are a weather bot.',
  'llm.input_messages.1.message.role': 'user',
  'llm.input_messages.1.message.contents.0.message_content.type': 'text',
  'llm.input_messages.1.message.contents.0.message_content.text': 'What is in this picture?',
  'llm.input_messages.1.message.contents.1.message_content.type': 'image',
  'llm.input_messages.1.message.contents.1.message_content.image.image.url': 'https://img.test/cat.png',
  'llm.input_messages.2.message.role': 'assistant',
  'llm.input_messages.2.message.tool_calls.0.tool_call.id': 'call_1',
  'llm.input_messages.2.message.tool_calls.0.tool_call.function.name': 'describe',
  'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments': '{"detail":"high"}',
  'llm.input_messages.3.message.role': 'tool',
  'llm.input_messages.3.message.tool_call_id': 'call_1',
  'llm.input_messages.3.message.content': 'a cat',
  'llm.output_messages.0.message.role': 'assistant',
  'llm.output_messages.0.message.content': 'A cat on a sofa.',
  'llm.token_count.prompt': 1200,
  'llm.token_count.completion': 80,
  'llm.token_count.total': 1280,
  'llm.token_count.prompt_details.cache_read': 1000,
  'llm.token_count.completion_details.reasoning': 20,
  'session.id': 'sess-1',
  'user.id': 'user-1',
  metadata: JSON.stringify({ tenant: 'acme', plan: 'pro', retries: 2 }),
  'tag.tags': ['beta', 'vision'],
  'llm.prompt_template.template': 'Describe {image}',
  'llm.prompt_template.version': 'v3',
};

describe('OpenInference', () => {
  it('reads an LLM span with flattened messages, contents, images and tool calls', () => {
    const record = normalizeOne(span({ name: 'ChatCompletion', attributes: llmSpan }));
    const llm = llmOf(record);
    expect(llm).toMatchObject({
      convention: 'openinference',
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      usageCounted: true,
    });
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'You are a weather bot.' }]);
    expect(llm.inputMessages).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in this picture?' },
          { type: 'uri', modality: 'image', uri: 'https://img.test/cat.png' },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'describe', arguments: '{"detail":"high"}' }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'a cat' }] },
    ]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'A cat on a sofa.' }] },
    ]);
  });

  it('reads token counts with cache and reasoning details counted once', () => {
    const llm = llmOf(normalizeOne(span({ attributes: llmSpan })));
    expect(llm.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 80,
      cacheReadInputTokens: 1000,
      cacheWriteInputTokens: null,
      reasoningTokens: 20,
      totalTokens: 1280,
      estimated: false,
    });
    // gpt-4o: 200 uncached x 2.50 + 1000 cached x 1.25 + 80 x 10 per 1M
    expect(llm.costUsd).toBeCloseTo((200 * 2.5 + 1000 * 1.25 + 80 * 10) / 1e6, 12);
  });

  it('reads session, user, metadata, tags and the prompt template version', () => {
    const record = normalizeOne(span({ attributes: llmSpan }));
    expect(record.sessionId).toBe('sess-1');
    expect(record.userId).toBe('user-1');
    expect(record.metadata).toEqual({ tenant: 'acme', plan: 'pro', retries: '2' });
    expect(record.tags).toEqual(['beta', 'vision']);
    expect(record.promptVersion).toBe('v3');
  });

  it('reads tag.tags given as a JSON string', () => {
    const record = normalizeOne(span({ attributes: { ...llmSpan, 'tag.tags': '["a","b"]' } }));
    expect(record.tags).toEqual(['a', 'b']);
  });

  it('falls back to input.value / output.value only without structured messages', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o-mini',
            'input.value': JSON.stringify({
              model: 'gpt-4o-mini',
              messages: [
                { role: 'system', content: 'Sys' },
                { role: 'user', content: 'Hello' },
              ],
            }),
            'input.mime_type': 'application/json',
            'output.value': JSON.stringify({
              choices: [
                { index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' },
              ],
            }),
            'output.mime_type': 'application/json',
          },
        }),
      ),
    );
    expect(llm.systemInstructions).toEqual([{ type: 'text', content: 'Sys' }]);
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi there' }], finishReason: 'stop' },
    ]);
    expect(llm.finishReasons).toEqual(['stop']);
  });

  it('keeps a plain-text input.value as a text message', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'm',
            'input.value': 'just text',
            'output.value': 'answer',
          },
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'just text' }] }]);
    expect(llm.outputMessages).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'answer' }] }]);
  });

  it('reads legacy llm.prompts / llm.choices as a text completion', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-3.5-turbo-instruct',
            'llm.prompts.0.prompt.text': 'Once upon a time',
            'llm.choices.0.completion.text': ' there was a trace.',
          },
        }),
      ),
    );
    expect(llm.operation).toBe('text_completion');
    expect(llm.inputMessages).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Once upon a time' }] },
    ]);
    expect(llm.outputMessages).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: ' there was a trace.' }] },
    ]);
  });

  it('reads llm.prompts given as a list of strings', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'm', 'llm.prompts': ['p1'] },
        }),
      ),
    );
    expect(llm.inputMessages).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'p1' }] }]);
  });

  it('reads an EMBEDDING span', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'EMBEDDING',
            'embedding.model_name': 'text-embedding-3-small',
            'llm.system': 'openai',
            'embedding.embeddings.0.embedding.text': 'first',
            'embedding.embeddings.1.embedding.text': 'second',
            'embedding.embeddings.0.embedding.vector': [0.1, 0.2],
            'llm.token_count.prompt': 8,
            'llm.token_count.total': 8,
          },
        }),
      ),
    );
    expect(llm).toMatchObject({
      operation: 'embeddings',
      responseModel: 'text-embedding-3-small',
      usageCounted: true,
    });
    expect(llm.inputMessages.map((m) => m.parts[0])).toEqual([
      { type: 'text', content: 'first' },
      { type: 'text', content: 'second' },
    ]);
  });

  it('maps llm.provider names to GenAI provider names', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'mistral-large-latest',
            'llm.provider': 'mistralai',
            'llm.system': 'mistralai',
          },
        }),
      ),
    );
    expect(llm.provider).toBe('mistral_ai');
  });
});

describe('OpenInference with GenAI attributes beside it', () => {
  it('keeps the OpenInference reading and fills gaps from gen_ai.*', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o',
            'llm.token_count.prompt': 10,
            'gen_ai.usage.input_tokens': 999,
            'gen_ai.provider.name': 'azure.ai.openai',
            'llm.finish_reason': 'stop',
          },
        }),
      ),
    );
    expect(llm).toMatchObject({
      convention: 'openinference',
      provider: 'azure.ai.openai',
      finishReasons: ['stop'],
    });
    expect(llm.usage.inputTokens).toBe(10);
  });
});
