import { describe, expect, it } from 'vitest';
import { llmOf, normalizeOne, normalizeSpans, sid, span } from '../testing/otlp-builders.js';

describe('OpenInference span kinds and counting', () => {
  it('counts a LangChain LLM span once when the OpenAI instrumentation span sits below it', () => {
    const tokens = { 'llm.token_count.prompt': 50, 'llm.token_count.completion': 10 };
    const records = normalizeSpans([
      span({ spanId: sid(1), name: 'RunnableSequence', attributes: { 'openinference.span.kind': 'CHAIN' } }),
      span({
        spanId: sid(2),
        parentSpanId: sid(1),
        name: 'ChatOpenAI',
        attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', ...tokens },
      }),
      span({
        spanId: sid(3),
        parentSpanId: sid(2),
        name: 'OpenAI Chat Completions',
        attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', ...tokens },
      }),
    ]);
    expect(records[0]?.llm).toBeNull();
    expect(llmOf(records[1]).usageCounted).toBe(false);
    expect(llmOf(records[1]).costUsd).toBeNull();
    expect(llmOf(records[2]).usageCounted).toBe(true);
    expect(llmOf(records[2]).costUsd).not.toBeNull();
  });

  it('gives an AGENT span with usage an uncounted llm call', () => {
    const records = normalizeSpans([
      span({
        spanId: sid(1),
        attributes: {
          'openinference.span.kind': 'AGENT',
          'llm.model_name': 'gpt-4o',
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 5,
        },
      }),
      span({
        spanId: sid(2),
        parentSpanId: sid(1),
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o',
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 5,
        },
      }),
    ]);
    expect(llmOf(records[0])).toMatchObject({
      operation: 'invoke_agent',
      usageCounted: false,
      costUsd: null,
    });
    expect(llmOf(records[1]).usageCounted).toBe(true);
  });

  it('gives RETRIEVER spans no llm call', () => {
    expect(
      normalizeOne(span({ attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'q' } })).llm,
    ).toBeNull();
  });

  it('reads a TOOL span as an uncounted tool call', () => {
    const llm = llmOf(
      normalizeOne(
        span({
          attributes: {
            'openinference.span.kind': 'TOOL',
            'tool.name': 'get_weather',
            'input.value': '{"city":"Paris"}',
            'output.value': 'sunny',
          },
        }),
      ),
    );
    expect(llm.operation).toBe('execute_tool');
    expect(llm.toolCalls).toEqual([{ name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(llm.inputMessages).toEqual([]);
    expect(llm.usageCounted).toBe(false);
  });
});
