import { canonicalFinishReason } from '../finish-reason.js';
import type { Message, MessagePart, ToolCall } from '@driftwatch/contracts';
import { asString } from '../attributes.js';
import { field, isRecord } from '../json.js';
import { toPart, toParts } from './parts.js';

/**
 * One message of any known format: GenAI `{role, parts}`, OpenAI chat `{role, content, tool_calls}`, an OpenAI
 * choice `{message, finish_reason}`, Anthropic and Vercel AI SDK content parts. A plain string becomes a text
 * message with the default role.
 */
export function toMessage(raw: unknown, defaultRole: string): Message | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return { role: defaultRole, parts: [{ type: 'text', content: raw }] };
  if (!isRecord(raw)) return { role: defaultRole, parts: [{ type: 'generic', value: raw }] };
  if (isRecord(raw['message']) && raw['role'] === undefined && raw['parts'] === undefined) {
    const inner = toMessage(raw['message'], defaultRole);
    const finishReason = field(raw, 'finish_reason', 'finishReason');
    if (inner && finishReason && !inner.finishReason)
      inner.finishReason = canonicalFinishReason(finishReason);
    return inner;
  }
  const role = field(raw, 'role') || defaultRole;
  const parts = Array.isArray(raw['parts']) ? toParts(raw['parts']) : contentParts(raw, role);
  const message: Message = { role, parts };
  const name = field(raw, 'name');
  if (name) message.name = name;
  const finishReason = field(raw, 'finish_reason', 'finishReason');
  if (finishReason) message.finishReason = canonicalFinishReason(finishReason);
  return message;
}

/** A list of messages; also accepts `{ messages: [...] }` and a single message. */
export function toMessages(raw: unknown, defaultRole: string): Message[] {
  if (isRecord(raw) && Array.isArray(raw['messages'])) return toMessages(raw['messages'], defaultRole);
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((m) => toMessage(m, defaultRole)).filter((m): m is Message => m !== null);
}

/** The fallback for content that could not be parsed: the raw string as one text message. */
export function rawTextMessage(raw: string, role: string): Message {
  return { role, parts: [{ type: 'text', content: raw }] };
}

function contentParts(raw: Record<string, unknown>, role: string): MessagePart[] {
  const content = raw['content'];
  const toolCallId = field(raw, 'tool_call_id', 'toolCallId') || (role === 'tool' ? field(raw, 'id') : '');
  if (role === 'tool' && toolCallId && (typeof content === 'string' || isRecord(content))) {
    return [{ type: 'tool_call_response', id: toolCallId, response: content }];
  }
  const parts = toParts(content);
  const calls: MessagePart[] = [];
  if (Array.isArray(raw['tool_calls'])) {
    for (const call of raw['tool_calls']) {
      const part = toPart(isRecord(call) ? { ...call, type: 'tool_call' } : call);
      if (part) calls.push(part);
    }
  }
  if (isRecord(raw['function_call'])) {
    const part = toPart({ ...raw['function_call'], type: 'tool_call' });
    if (part) calls.push(part);
  }
  // An empty text beside tool calls carries nothing.
  const kept = calls.length > 0 ? parts.filter((p) => !(p.type === 'text' && p.content === '')) : parts;
  return [...kept, ...calls];
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/**
 * System instructions kept apart from the conversation: explicit instructions first, then the parts of every
 * system-role input message (duplicates of explicit text dropped). The input keeps only non-system messages.
 */
export function splitSystem(
  input: Message[],
  explicit: MessagePart[],
): { systemInstructions: MessagePart[]; inputMessages: Message[] } {
  const systemInstructions = [...explicit];
  const seen = new Set(explicit.filter((p) => p.type === 'text').map((p) => p.content));
  const inputMessages: Message[] = [];
  for (const message of input) {
    if (!SYSTEM_ROLES.has(message.role)) {
      inputMessages.push(message);
      continue;
    }
    for (const part of message.parts) {
      if (part.type === 'text' && seen.has(part.content)) continue;
      systemInstructions.push(part);
    }
  }
  return { systemInstructions, inputMessages };
}

/** Tool calls found in the parts of the messages, arguments as strings. */
export function toolCallsOf(messages: Message[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.type !== 'tool_call') continue;
      const call: ToolCall = { name: part.name };
      if (part.id) call.id = part.id;
      if (part.arguments !== undefined && part.arguments !== null) call.arguments = asString(part.arguments);
      calls.push(call);
    }
  }
  return calls;
}

export function finishReasonsOf(messages: Message[]): string[] {
  return messages.map((m) => m.finishReason).filter((r): r is string => typeof r === 'string' && r !== '');
}
