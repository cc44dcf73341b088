import type { Attributes, Message, OtlpEvent } from '@driftwatch/contracts';
import { under } from '../attributes.js';
import { isRecord, maybeJson, parseJsonAttr } from '../json.js';
import { rawTextMessage, toMessage, toMessages } from '../messages/messages.js';

/** Message events of GenAI conventions v1.28-v1.36 and the role they stand for. */
const MESSAGE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

export const OPERATION_DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/**
 * Messages carried by span events rather than attributes: `gen_ai.content.prompt` / `gen_ai.content.completion`
 * (<= v1.27, JSON in `gen_ai.prompt` / `gen_ai.completion`) and the per-message events of v1.28-v1.36.
 */
export function readContentEvents(events: OtlpEvent[]): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  for (const event of events) {
    if (event.name === 'gen_ai.content.prompt') {
      input.push(...jsonMessages(event.attributes['gen_ai.prompt'], 'user'));
    } else if (event.name === 'gen_ai.content.completion') {
      output.push(...jsonMessages(event.attributes['gen_ai.completion'], 'assistant'));
    } else if (event.name in MESSAGE_EVENTS) {
      const role = MESSAGE_EVENTS[event.name] ?? 'user';
      const body = eventBody(event.attributes);
      const message = toMessage(
        { ...body, role: typeof body['role'] === 'string' ? body['role'] : role },
        role,
      );
      if (message) input.push(message);
    } else if (event.name === 'gen_ai.choice') {
      const message = toMessage(choiceBody(eventBody(event.attributes)), 'assistant');
      if (message) output.push(message);
    }
  }
  return { input, output };
}

function jsonMessages(value: Attributes[string] | undefined, role: string): Message[] {
  const parsed = parseJsonAttr(value);
  if (parsed.kind === 'malformed') return [rawTextMessage(parsed.raw, role)];
  if (parsed.kind === 'absent') return [];
  return toMessages(parsed.value, role);
}

/** The event body: a `body`/`event.body` attribute when present, else the attributes themselves. */
function eventBody(attrs: Attributes): Record<string, unknown> {
  for (const key of ['body', 'event.body']) {
    const parsed = parseJsonAttr(attrs[key]);
    if (parsed.kind === 'value' && isRecord(parsed.value)) return parsed.value;
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith('gen_ai.') || key.startsWith('message.')) continue;
    body[key] = key === 'content' || key === 'tool_calls' || key === 'message' ? maybeJson(value) : value;
  }
  const flatMessage = under(attrs, 'message');
  if (Object.keys(flatMessage).length > 0 && !isRecord(body['message'])) {
    body['message'] = Object.fromEntries(
      Object.entries(flatMessage).map(([k, v]) => [k, k === 'tool_calls' ? maybeJson(v) : v]),
    );
  }
  return body;
}

/** A `gen_ai.choice` body is `{ index, finish_reason, message: { role?, content, tool_calls } }`. */
function choiceBody(body: Record<string, unknown>): Record<string, unknown> {
  const message = isRecord(body['message']) ? body['message'] : {};
  return {
    ...message,
    role: typeof message['role'] === 'string' ? message['role'] : 'assistant',
    content: message['content'] ?? body['content'],
    finish_reason: body['finish_reason'],
  };
}
