import type { Attributes, Message, MessagePart } from '@driftwatch/contracts';
import { str } from '../attributes.js';
import { field, isRecord, maybeJson } from '../json.js';
import { rawTextMessage, toMessage, toMessages } from '../messages/messages.js';
import { toParts } from '../messages/parts.js';

/**
 * Messages recovered from raw `input.value` / `output.value` (often the provider request and response JSON).
 * Used only when a span has no structured messages; unknown shapes are kept as one text message.
 */
export function messagesFromInputValue(attrs: Attributes, key = 'input.value'): Message[] {
  const raw = str(attrs, key);
  if (!raw) return [];
  const value = maybeJson(raw);
  if (!isRecord(value)) {
    return Array.isArray(value) ? toMessages(value, 'user') : [rawTextMessage(raw, 'user')];
  }
  const messages: Message[] = [];
  if (value['system'] !== undefined) messages.push({ role: 'system', parts: toParts(value['system']) });
  if (Array.isArray(value['messages'])) messages.push(...toMessages(value['messages'], 'user'));
  else if (value['prompt'] !== undefined) messages.push(...promptMessages(value['prompt']));
  else if (typeof value['input'] === 'string') messages.push(rawTextMessage(value['input'], 'user'));
  else if (Array.isArray(value['input'])) messages.push(...toMessages(value['input'], 'user'));
  if (typeof value['instructions'] === 'string') {
    messages.unshift({ role: 'system', parts: [{ type: 'text', content: value['instructions'] }] });
  }
  return messages.length > 0 ? messages : [rawTextMessage(raw, 'user')];
}

export function messagesFromOutputValue(attrs: Attributes, key = 'output.value'): Message[] {
  const raw = str(attrs, key);
  if (!raw) return [];
  const value = maybeJson(raw);
  if (!isRecord(value)) return [rawTextMessage(raw, 'assistant')];
  if (Array.isArray(value['choices'])) return value['choices'].map(choiceMessage).filter(isMessage);
  if (Array.isArray(value['content']) && value['role'] === 'assistant') {
    const message = toMessage(value, 'assistant');
    const stop = field(value, 'stop_reason');
    if (message && stop) message.finishReason = stop;
    return message ? [message] : [];
  }
  if (Array.isArray(value['output'])) return [responsesOutput(value['output'])];
  return [rawTextMessage(raw, 'assistant')];
}

function promptMessages(prompt: unknown): Message[] {
  const list = Array.isArray(prompt) ? prompt : [prompt];
  return list
    .map((p) => (typeof p === 'string' ? rawTextMessage(p, 'user') : toMessage(p, 'user')))
    .filter(isMessage);
}

function choiceMessage(choice: unknown): Message | null {
  if (isRecord(choice) && typeof choice['text'] === 'string' && choice['message'] === undefined) {
    const message = rawTextMessage(choice['text'], 'assistant');
    const reason = field(choice, 'finish_reason');
    if (reason) message.finishReason = reason;
    return message;
  }
  return toMessage(choice, 'assistant');
}

/** OpenAI Responses API `output` items folded into one assistant message. */
function responsesOutput(items: unknown[]): Message {
  const parts: MessagePart[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (item['type'] === 'message') parts.push(...toParts(item['content']));
    else if (item['type'] === 'reasoning' && Array.isArray(item['summary'])) {
      for (const s of item['summary'])
        if (isRecord(s)) parts.push({ type: 'reasoning', content: field(s, 'text') });
    } else parts.push(...toParts(item));
  }
  return { role: 'assistant', parts };
}

function isMessage(m: Message | null): m is Message {
  return m !== null;
}
