import type { Attributes, Message, MessagePart, ToolCall } from '@driftwatch/contracts';
import { asString, num, str } from '../attributes.js';
import { field, isRecord, maybeJson, parseJsonAttr } from '../json.js';
import { rawTextMessage, toMessages } from '../messages/messages.js';
import { toParts } from '../messages/parts.js';
import type { LlmFields, SpanInput, SpanRole } from './types.js';

const WRAPPERS = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
  'ai.embed',
  'ai.embedMany',
]);

/** `ai.operationId` (span names can carry a function id suffix), else an `ai.*` span name. */
export function vercelOperationId(span: SpanInput): string {
  const id = str(span.attributes, 'ai.operationId');
  if (id.startsWith('ai.')) return id;
  return span.name.startsWith('ai.') ? (span.name.split(' ')[0] ?? '') : '';
}

export function vercelRole(operationId: string): SpanRole {
  if (/\.(doGenerate|doStream|doEmbed)$/.test(operationId)) return 'model';
  if (operationId === 'ai.toolCall') return 'tool';
  return WRAPPERS.has(operationId) ? 'wrapper' : 'other';
}

function operationOf(operationId: string, role: SpanRole): string {
  if (role === 'tool') return 'execute_tool';
  if (operationId.startsWith('ai.embed')) return 'embeddings';
  return role === 'model' ? 'chat' : 'invoke_agent';
}

/** Vercel AI SDK <= 6 (`experimental_telemetry`): `ai.*` attributes on generate/stream/embed/tool spans. */
export function readVercelAi(span: SpanInput): LlmFields {
  const attrs = span.attributes;
  const operationId = vercelOperationId(span);
  const role = vercelRole(operationId);
  if (role === 'tool') return readToolCall(attrs);
  const output = outputMessage(attrs);
  const finishReason = str(attrs, 'ai.response.finishReason');
  return {
    operation: operationOf(operationId, role),
    provider: str(attrs, 'ai.model.provider'),
    requestModel: str(attrs, 'ai.model.id'),
    responseModel: str(attrs, 'ai.response.model'),
    inputMessages: inputMessages(attrs),
    outputMessages: output ? [output] : [],
    finishReasons: finishReason ? [finishReason] : [],
    usage: {
      inputTokens: num(attrs, 'ai.usage.inputTokens', 'ai.usage.promptTokens', 'ai.usage.tokens'),
      outputTokens: num(attrs, 'ai.usage.outputTokens', 'ai.usage.completionTokens'),
      totalTokens: num(attrs, 'ai.usage.totalTokens'),
      cacheReadInputTokens: num(
        attrs,
        'ai.usage.cachedInputTokens',
        'ai.usage.inputTokenDetails.cacheReadTokens',
      ),
      cacheWriteInputTokens: num(attrs, 'ai.usage.inputTokenDetails.cacheWriteTokens'),
      reasoningTokens: num(attrs, 'ai.usage.reasoningTokens', 'ai.usage.outputTokenDetails.reasoningTokens'),
    },
  };
}

function inputMessages(attrs: Attributes): Message[] {
  const messages = parseJsonAttr(attrs['ai.prompt.messages']);
  if (messages.kind === 'malformed') return [rawTextMessage(messages.raw, 'user')];
  if (messages.kind === 'value') return toMessages(messages.value, 'user');
  const prompt = parseJsonAttr(attrs['ai.prompt']);
  if (prompt.kind === 'malformed') return [rawTextMessage(prompt.raw, 'user')];
  if (prompt.kind === 'value') return promptMessages(prompt.value);
  const values = attrs['ai.values'] ?? attrs['ai.value'];
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  return list.map((v) => rawTextMessage(embedValueText(v), 'user'));
}

/** `ai.value` / `ai.values` hold JSON-serialised values: `"\"sunny day\""`. */
function embedValueText(value: unknown): string {
  const parsed = parseJsonAttr(typeof value === 'string' ? value : asString(value));
  if (parsed.kind === 'value') return asString(parsed.value);
  return parsed.kind === 'malformed' ? parsed.raw : '';
}

/** `ai.prompt` of the outer span: `{ system?, prompt?, messages? }`. */
function promptMessages(value: unknown): Message[] {
  if (!isRecord(value)) return toMessages(value, 'user');
  const out: Message[] = [];
  if (value['system'] !== undefined && value['system'] !== null) {
    out.push({ role: 'system', parts: toParts(value['system']) });
  }
  if (typeof value['prompt'] === 'string') out.push(rawTextMessage(value['prompt'], 'user'));
  else if (Array.isArray(value['prompt'])) out.push(...toMessages(value['prompt'], 'user'));
  if (Array.isArray(value['messages'])) out.push(...toMessages(value['messages'], 'user'));
  return out;
}

function outputMessage(attrs: Attributes): Message | null {
  const parts: MessagePart[] = [];
  const reasoning = str(attrs, 'ai.response.reasoning');
  if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
  const text = str(attrs, 'ai.response.text', 'ai.response.object');
  if (text) parts.push({ type: 'text', content: text });
  const calls = parseJsonAttr(attrs['ai.response.toolCalls']);
  if (calls.kind === 'malformed') parts.push({ type: 'text', content: calls.raw });
  if (calls.kind === 'value' && Array.isArray(calls.value)) {
    for (const call of calls.value) {
      if (!isRecord(call)) continue;
      const part: MessagePart = { type: 'tool_call', name: field(call, 'toolName', 'name') };
      const id = field(call, 'toolCallId', 'id');
      if (id) part.id = id;
      const args = call['args'] ?? call['input'] ?? call['arguments'];
      if (args !== undefined) part.arguments = args;
      parts.push(part);
    }
  }
  if (parts.length === 0) return null;
  const message: Message = { role: 'assistant', parts };
  const finishReason = str(attrs, 'ai.response.finishReason');
  if (finishReason) message.finishReason = finishReason;
  return message;
}

function readToolCall(attrs: Attributes): LlmFields {
  const call: ToolCall = { name: str(attrs, 'ai.toolCall.name') };
  const id = str(attrs, 'ai.toolCall.id');
  if (id) call.id = id;
  const args = attrs['ai.toolCall.args'] ?? attrs['ai.toolCall.input'];
  if (args !== undefined && args !== null) call.arguments = asString(args);
  const result = attrs['ai.toolCall.result'] ?? attrs['ai.toolCall.output'];
  const response = result === undefined ? undefined : maybeJson(result);
  return {
    operation: 'execute_tool',
    toolCalls: call.name ? [call] : [],
    outputMessages:
      response === undefined
        ? []
        : [{ role: 'tool', parts: [{ type: 'tool_call_response', ...(id ? { id } : {}), response }] }],
  };
}
