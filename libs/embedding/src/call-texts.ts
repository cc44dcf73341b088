import type { LlmCall, Message, MessagePart } from '@driftwatch/contracts';

export type EmbeddedField = 'request' | 'response';

/** What to embed of each LLM call; set per project. */
export interface CallTextOptions {
  /** Embed the request: the last user message. Default true. */
  request: boolean;
  /** Embed the response: the first output message with text. Default true. */
  response: boolean;
  /** Put the system prompt before the request text. Default false: the same prompt on every call would dominate. */
  includeSystemPrompt: boolean;
}

export const DEFAULT_CALL_TEXT_OPTIONS: CallTextOptions = {
  request: true,
  response: true,
  includeSystemPrompt: false,
};

export interface CallText {
  field: EmbeddedField;
  text: string;
}

export interface CallTexts {
  /** Each field as its own input, request first; a field with no text is absent. */
  inputs: CallText[];
  /** Enabled fields that had no text to embed (no such message, or empty or whitespace only). */
  empty: EmbeddedField[];
  /** Images, audio, files and other non-text parts of the embedded messages that were left out. */
  skippedNonTextParts: number;
}

/** The parts of an LLM call (stored or read back) that its texts come from. */
export type CallMessages = Pick<LlmCall, 'inputMessages' | 'outputMessages' | 'systemInstructions'>;

const USER_ROLES = new Set(['user', 'human']);
const SYSTEM_ROLES = new Set(['system', 'developer']);
/** Parts that are neither text nor something a model says (tool traffic, reasoning): left out, not counted. */
const NOT_CONTENT = new Set<MessagePart['type']>(['reasoning', 'tool_call', 'tool_call_response']);

/** The texts of one LLM call to embed, each field as its own input. Pure: no I/O. */
export function callTexts(call: CallMessages, options: Partial<CallTextOptions> = {}): CallTexts {
  const opts = { ...DEFAULT_CALL_TEXT_OPTIONS, ...options };
  const out: CallTexts = { inputs: [], empty: [], skippedNonTextParts: 0 };
  const textOf = (parts: readonly MessagePart[]): string => {
    const texts: string[] = [];
    for (const part of parts) {
      if (part.type === 'text') texts.push(part.content);
      else if (!NOT_CONTENT.has(part.type)) out.skippedNonTextParts++;
    }
    return texts.join('\n').trim();
  };
  const add = (field: EmbeddedField, text: string) => {
    if (text === '') out.empty.push(field);
    else out.inputs.push({ field, text });
  };

  if (opts.request) {
    const lastUser = findLast(call.inputMessages, (m) => USER_ROLES.has(m.role.toLowerCase()));
    const question = lastUser ? textOf(lastUser.parts) : '';
    const system = opts.includeSystemPrompt && question !== '' ? systemPrompt(call) : '';
    add('request', system === '' ? question : `${system}\n\n${question}`);
  }
  if (opts.response) {
    let answer = '';
    for (const message of call.outputMessages) {
      answer = textOf(message.parts);
      if (answer !== '') break;
    }
    add('response', answer);
  }
  return out;
}

/** System instructions plus system/developer messages, as text (their non-text parts are not counted). */
function systemPrompt(call: CallMessages): string {
  const parts = [
    ...call.systemInstructions,
    ...call.inputMessages.filter((m) => SYSTEM_ROLES.has(m.role.toLowerCase())).flatMap((m) => m.parts),
  ];
  return parts
    .flatMap((p) => (p.type === 'text' && p.content.trim() !== '' ? [p.content.trim()] : []))
    .join('\n');
}

function findLast(messages: readonly Message[], test: (m: Message) => boolean): Message | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (test(messages[i] as Message)) return messages[i];
  return undefined;
}
