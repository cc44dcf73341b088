import { describe, expect, it } from 'vitest';
import { spanKindOf } from './span-kind';

const llm = (operation: string) =>
  ({ operation }) as unknown as NonNullable<Parameters<typeof spanKindOf>[0]['llm']>;

describe('spanKindOf', () => {
  it('recognises GenAI operations', () => {
    expect(spanKindOf({ name: 'chat gpt-4o-mini', attributes: {}, llm: llm('chat') })).toBe('llm');
    expect(spanKindOf({ name: 'invoke_agent x', attributes: {}, llm: llm('invoke_agent') })).toBe('agent');
    expect(spanKindOf({ name: 'execute_tool get_weather', attributes: {}, llm: llm('execute_tool') })).toBe(
      'tool',
    );
    expect(spanKindOf({ name: 'embeddings', attributes: {}, llm: llm('embeddings') })).toBe('embedding');
  });
  it('recognises OpenInference kinds, tool attributes and retrievers, else other', () => {
    expect(spanKindOf({ name: 'x', attributes: { 'openinference.span.kind': 'RETRIEVER' }, llm: null })).toBe(
      'retrieval',
    );
    expect(spanKindOf({ name: 'x', attributes: { 'openinference.span.kind': 'AGENT' }, llm: null })).toBe(
      'agent',
    );
    expect(spanKindOf({ name: 'lookup', attributes: { 'gen_ai.tool.name': 'lookup' }, llm: null })).toBe(
      'tool',
    );
    expect(spanKindOf({ name: 'HTTP GET', attributes: {}, llm: null })).toBe('other');
  });
});
