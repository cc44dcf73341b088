import type { Attributes, Message, ToolCall } from '@driftwatch/contracts';
import { asString, indexed, num, str, strList } from '../attributes.js';
import { isRecord, parseJsonAttr } from '../json.js';
import { rawTextMessage, toMessage } from '../messages/messages.js';
import { messagesFromInputValue, messagesFromOutputValue } from './io-values.js';
import type { LlmFields, SpanInput, SpanRole } from './types.js';

export const OPENINFERENCE_KIND = 'openinference.span.kind';

export function openInferenceRole(kind: string): SpanRole {
  switch (kind.toUpperCase()) {
    case 'LLM':
    case 'EMBEDDING':
      return 'model';
    case 'AGENT':
    case 'CHAIN':
      return 'wrapper';
    case 'TOOL':
      return 'tool';
    default:
      return 'other';
  }
}

const OPERATIONS: Record<string, string> = {
  LLM: 'chat',
  EMBEDDING: 'embeddings',
  AGENT: 'invoke_agent',
  CHAIN: 'chain',
  TOOL: 'execute_tool',
};

/** OpenInference (Arize): flattened messages, token counts, and input/output values as a fallback. */
export function readOpenInference(span: SpanInput): LlmFields {
  const attrs = span.attributes;
  const kind = str(attrs, OPENINFERENCE_KIND).toUpperCase();
  const prompts = legacyTexts(attrs, 'llm.prompts', 'prompt.text', 'user');
  const choices = legacyTexts(attrs, 'llm.choices', 'completion.text', 'assistant');
  const embeddings = legacyTexts(attrs, 'embedding.embeddings', 'embedding.text', 'user');
  const structuredIn = [...flatMessages(attrs, 'llm.input_messages', 'user'), ...prompts, ...embeddings];
  const structuredOut = [...flatMessages(attrs, 'llm.output_messages', 'assistant'), ...choices];
  const hasStructured = structuredIn.length > 0 || structuredOut.length > 0;
  const invocation = parseJsonAttr(attrs['llm.invocation_parameters']);
  const invocationModel =
    invocation.kind === 'value' && isRecord(invocation.value) && typeof invocation.value['model'] === 'string'
      ? invocation.value['model']
      : '';
  const model = str(attrs, 'llm.model_name', 'embedding.model_name');
  const fields: LlmFields = {
    operation:
      prompts.length > 0 && kind === 'LLM' ? 'text_completion' : (OPERATIONS[kind] ?? kind.toLowerCase()),
    provider: str(attrs, 'llm.provider', 'llm.system'),
    requestModel: invocationModel || model,
    responseModel: model,
    inputMessages: hasStructured ? structuredIn : messagesFromInputValue(attrs),
    outputMessages: hasStructured ? structuredOut : messagesFromOutputValue(attrs),
    finishReasons: strList(attrs['llm.finish_reason']),
    usage: {
      inputTokens: num(attrs, 'llm.token_count.prompt'),
      outputTokens: num(attrs, 'llm.token_count.completion'),
      totalTokens: num(attrs, 'llm.token_count.total'),
      cacheReadInputTokens: num(attrs, 'llm.token_count.prompt_details.cache_read'),
      cacheWriteInputTokens: num(attrs, 'llm.token_count.prompt_details.cache_write'),
      reasoningTokens: num(attrs, 'llm.token_count.completion_details.reasoning'),
    },
  };
  if (kind === 'TOOL') Object.assign(fields, readTool(attrs));
  return fields;
}

/** `llm.input_messages.N.message.*` rebuilt as OpenAI-style messages and converted. */
function flatMessages(attrs: Attributes, prefix: string, role: string): Message[] {
  return indexed(attrs, prefix)
    .map((entry) => {
      const contents = indexed(entry, 'message.contents').map((c) =>
        str(c, 'message_content.type') === 'image'
          ? { type: 'image_url', image_url: { url: str(c, 'message_content.image.image.url') } }
          : { type: 'text', text: str(c, 'message_content.text') },
      );
      const toolCalls = indexed(entry, 'message.tool_calls').map((t) => ({
        id: str(t, 'tool_call.id'),
        function: { name: str(t, 'tool_call.function.name'), arguments: t['tool_call.function.arguments'] },
      }));
      const raw: Record<string, unknown> = {
        role: str(entry, 'message.role') || role,
        content: contents.length > 0 ? contents : entry['message.content'],
        name: str(entry, 'message.name'),
        tool_call_id: str(entry, 'message.tool_call_id'),
      };
      if (toolCalls.length > 0) raw['tool_calls'] = toolCalls;
      const fnName = str(entry, 'message.function_call_name');
      if (fnName)
        raw['function_call'] = { name: fnName, arguments: entry['message.function_call_arguments_json'] };
      return toMessage(raw, role);
    })
    .filter((m): m is Message => m !== null);
}

/** Legacy lists: `llm.prompts.N.prompt.text`, `llm.choices.N.completion.text`, or a plain string array. */
function legacyTexts(attrs: Attributes, prefix: string, key: string, role: string): Message[] {
  const flat = indexed(attrs, prefix)
    .map((entry) => str(entry, key) || str(entry, ''))
    .filter((text) => text !== '');
  const texts = flat.length > 0 ? flat : strList(attrs[prefix]);
  return texts.map((text) => rawTextMessage(text, role));
}

function readTool(attrs: Attributes): LlmFields {
  const name = str(attrs, 'tool.name', 'tool_call.function.name');
  if (!name) return {};
  const call: ToolCall = { name };
  const id = str(attrs, 'tool_call.id');
  if (id) call.id = id;
  const args = attrs['tool_call.function.arguments'] ?? attrs['input.value'] ?? attrs['tool.parameters'];
  if (args !== undefined && args !== null) call.arguments = asString(args);
  const output = attrs['output.value'];
  return {
    inputMessages: [],
    toolCalls: [call],
    outputMessages:
      output === undefined
        ? []
        : [
            {
              role: 'tool',
              parts: [{ type: 'tool_call_response', ...(id ? { id } : {}), response: output }],
            },
          ],
  };
}
