import type { Attributes, Message, ToolCall } from '@driftwatch/contracts';
import { asString, hasKeyWithPrefix, indexed, str } from '../attributes.js';
import { isRecord, maybeJson } from '../json.js';
import { toMessage } from '../messages/messages.js';
import type { LlmFields, SpanInput, SpanRole } from './types.js';

const REQUEST_TYPES: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

/** Span kinds of the Traceloop SDK decorators (`{name}.workflow|task|agent|tool`). */
export function traceloopRole(kind: string): SpanRole | null {
  if (kind === 'workflow' || kind === 'task' || kind === 'agent') return 'wrapper';
  if (kind === 'tool') return 'tool';
  return null;
}

/** Markers that only OpenLLMetry (Traceloop) emits. */
export function isOpenLlmetry(span: SpanInput): boolean {
  const attrs = span.attributes;
  return (
    attrs['llm.request.type'] !== undefined ||
    attrs['llm.is_streaming'] !== undefined ||
    attrs['gen_ai.is_streaming'] !== undefined ||
    attrs['gen_ai.openai.api_base'] !== undefined ||
    hasKeyWithPrefix(attrs, 'traceloop.') ||
    hasKeyWithPrefix(attrs, 'gen_ai.prompt.0.') ||
    hasKeyWithPrefix(attrs, 'gen_ai.completion.0.') ||
    span.scopeName.includes('traceloop')
  );
}

/** OpenLLMetry old form: flattened `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`, `llm.request.type`. */
export function readOpenLlmetry(span: SpanInput): LlmFields {
  const attrs = span.attributes;
  const requestType = str(attrs, 'llm.request.type');
  const fields: LlmFields = {
    operation: REQUEST_TYPES[requestType] ?? requestType,
    inputMessages: flatMessages(attrs, 'gen_ai.prompt', 'user'),
    outputMessages: flatMessages(attrs, 'gen_ai.completion', 'assistant'),
  };
  if (str(attrs, 'traceloop.span.kind') === 'tool') {
    const call: ToolCall = { name: str(attrs, 'traceloop.entity.name') || span.name.replace(/\.tool$/, '') };
    const input = attrs['traceloop.entity.input'];
    if (input !== undefined && input !== null) call.arguments = asString(input);
    const output = attrs['traceloop.entity.output'];
    fields.operation = 'execute_tool';
    fields.toolCalls = [call];
    if (output !== undefined) {
      fields.outputMessages = [{ role: 'tool', parts: [{ type: 'tool_call_response', response: output }] }];
    }
  }
  return fields;
}

function flatMessages(attrs: Attributes, prefix: string, role: string): Message[] {
  return indexed(attrs, prefix)
    .map((entry) => {
      const raw: Record<string, unknown> = {
        role: str(entry, 'role') || role,
        content: contentValue(entry['content']),
        tool_call_id: str(entry, 'tool_call_id'),
        finish_reason: str(entry, 'finish_reason'),
      };
      const calls = indexed(entry, 'tool_calls').map((c) => ({
        id: str(c, 'id'),
        name: str(c, 'name'),
        arguments: c['arguments'],
      }));
      if (calls.length > 0) raw['tool_calls'] = calls;
      const fnName = str(entry, 'function_call.name');
      if (fnName) raw['function_call'] = { name: fnName, arguments: entry['function_call.arguments'] };
      return toMessage(raw, role);
    })
    .filter((m): m is Message => m !== null);
}

/** Multimodal content arrives as a JSON string of content parts; any other text stays text. */
function contentValue(value: unknown): unknown {
  const parsed = maybeJson(value);
  if (Array.isArray(parsed) && parsed.every((p) => isRecord(p) && typeof p['type'] === 'string'))
    return parsed;
  return value;
}
