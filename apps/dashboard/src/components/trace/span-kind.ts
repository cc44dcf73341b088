import type { SpanView } from '../../lib/api';

/** What a span is to a reader of an LLM trace; drives its icon, colour and detail panel. */
export type SpanKindName = 'llm' | 'agent' | 'tool' | 'retrieval' | 'embedding' | 'other';

export const SPAN_KIND_LABEL: Record<SpanKindName, { icon: string; label: string }> = {
  llm: { icon: 'L', label: 'LLM call' },
  agent: { icon: 'A', label: 'Agent' },
  tool: { icon: 'T', label: 'Tool' },
  retrieval: { icon: 'R', label: 'Retrieval' },
  embedding: { icon: 'E', label: 'Embedding' },
  other: { icon: '·', label: 'Span' },
};

const MODEL_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'completion']);

/** From the GenAI operation name, then OpenInference's span kind, then tool attributes and the name. */
export function spanKindOf(span: Pick<SpanView, 'name' | 'attributes' | 'llm'>): SpanKindName {
  const operation = span.llm?.operation ?? String(span.attributes['gen_ai.operation.name'] ?? '');
  const openInference = String(span.attributes['openinference.span.kind'] ?? '').toUpperCase();
  if (
    operation === 'execute_tool' ||
    openInference === 'TOOL' ||
    span.attributes['gen_ai.tool.name'] !== undefined
  )
    return 'tool';
  if (operation === 'invoke_agent' || operation === 'create_agent' || openInference === 'AGENT')
    return 'agent';
  if (operation === 'embeddings' || openInference === 'EMBEDDING') return 'embedding';
  if (openInference === 'RETRIEVER' || operation === 'retrieval' || /retriev/i.test(span.name))
    return 'retrieval';
  if (MODEL_OPERATIONS.has(operation) || openInference === 'LLM' || span.llm) return 'llm';
  return 'other';
}
