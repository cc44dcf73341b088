import type { Attributes, Message, MessagePart, ToolCall } from '@driftwatch/contracts';
import { asString, num, str, strList } from '../attributes.js';
import { isRecord, parseJsonAttr } from '../json.js';
import { rawTextMessage, toMessages } from '../messages/messages.js';
import { toParts } from '../messages/parts.js';
import { OPERATION_DETAILS_EVENT, readContentEvents } from './gen-ai-events.js';
import type { LlmFields, SpanInput } from './types.js';

export const GEN_AI_MODEL_OPERATIONS = new Set([
  'chat',
  'text_completion',
  'completion',
  'generate_content',
  'embeddings',
]);
export const GEN_AI_WRAPPER_OPERATIONS = new Set([
  'invoke_agent',
  'invoke_workflow',
  'create_agent',
  'agent_step',
]);

/** OTel GenAI semantic conventions, every version: attributes, the operation-details event, older events. */
export function readGenAi(span: SpanInput): LlmFields {
  const details = span.events.find((e) => e.name === OPERATION_DETAILS_EVENT)?.attributes ?? {};
  const attrs: Attributes = { ...details, ...span.attributes };
  const fields: LlmFields = {
    operation: str(attrs, 'gen_ai.operation.name'),
    provider: str(attrs, 'gen_ai.provider.name', 'gen_ai.system'),
    requestModel: str(attrs, 'gen_ai.request.model'),
    responseModel: str(attrs, 'gen_ai.response.model'),
    inputMessages: messagesAttr(attrs['gen_ai.input.messages'], 'user'),
    outputMessages: messagesAttr(attrs['gen_ai.output.messages'], 'assistant'),
    systemInstructions: systemAttr(attrs['gen_ai.system_instructions']),
    finishReasons: strList(attrs['gen_ai.response.finish_reasons']),
    usage: {
      inputTokens: num(attrs, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'),
      outputTokens: num(attrs, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'),
      // ai.usage.*TokenDetails: the AI SDK 7 adds them beside gen_ai.* usage on its chat spans.
      cacheReadInputTokens: num(
        attrs,
        'gen_ai.usage.cache_read.input_tokens',
        'gen_ai.usage.cache_read_input_tokens',
        'ai.usage.inputTokenDetails.cacheReadTokens',
      ),
      cacheWriteInputTokens: num(
        attrs,
        'gen_ai.usage.cache_write.input_tokens',
        'gen_ai.usage.cache_creation.input_tokens',
        'gen_ai.usage.cache_creation_input_tokens',
        'ai.usage.inputTokenDetails.cacheWriteTokens',
      ),
      reasoningTokens: num(
        attrs,
        'gen_ai.usage.reasoning.output_tokens',
        'gen_ai.usage.reasoning_tokens',
        'ai.usage.outputTokenDetails.reasoningTokens',
      ),
      totalTokens: num(attrs, 'gen_ai.usage.total_tokens', 'llm.usage.total_tokens'),
    },
  };
  if (!fields.inputMessages?.length && !fields.outputMessages?.length) {
    const fromEvents = readContentEvents(span.events);
    // Some pre-1.28 emitters put the event attributes gen_ai.prompt / gen_ai.completion on the span itself.
    fields.inputMessages = fromEvents.input.length
      ? fromEvents.input
      : messagesAttr(attrs['gen_ai.prompt'], 'user');
    fields.outputMessages = fromEvents.output.length
      ? fromEvents.output
      : messagesAttr(attrs['gen_ai.completion'], 'assistant');
  }
  if (fields.operation === 'execute_tool') Object.assign(fields, readToolExecution(attrs));
  return fields;
}

export function messagesAttr(value: Attributes[string] | undefined, role: string): Message[] {
  const parsed = parseJsonAttr(value);
  if (parsed.kind === 'absent') return [];
  if (parsed.kind === 'malformed') return [rawTextMessage(parsed.raw, role)];
  return toMessages(parsed.value, role);
}

function systemAttr(value: Attributes[string] | undefined): MessagePart[] {
  const parsed = parseJsonAttr(value);
  if (parsed.kind === 'absent') return [];
  if (parsed.kind === 'malformed') return [{ type: 'text', content: parsed.raw }];
  const list = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  // Some emitters send system messages ({role, parts|content}) instead of bare parts.
  return list.flatMap((item) =>
    isRecord(item) && typeof item['role'] === 'string' && item['type'] === undefined
      ? toParts(item['parts'] ?? item['content'])
      : toParts(item),
  );
}

function readToolExecution(attrs: Attributes): LlmFields {
  const name = str(attrs, 'gen_ai.tool.name');
  const id = str(attrs, 'gen_ai.tool.call.id');
  const call: ToolCall = { name };
  if (id) call.id = id;
  const args = attrs['gen_ai.tool.call.arguments'];
  if (args !== undefined && args !== null) call.arguments = asString(args);
  const result = attrs['gen_ai.tool.call.result'];
  const outputMessages: Message[] =
    result === undefined
      ? []
      : [{ role: 'tool', parts: [{ type: 'tool_call_response', ...(id ? { id } : {}), response: result }] }];
  return { toolCalls: name ? [call] : [], outputMessages };
}
