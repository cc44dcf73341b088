import type { Message } from '@driftwatch/contracts';

/** Longest text of one side of a turn sent to the session page; the trace page has the whole message. */
export const TURN_TEXT_MAX = 2_000;

function parse(text: string): Message[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as Message[]) : [];
  } catch {
    return [];
  }
}

function textOf(message: Message | undefined): string | null {
  if (!message || !Array.isArray(message.parts)) return null;
  const text = message.parts
    .map((p) => (p.type === 'text' && typeof p.content === 'string' ? p.content : ''))
    .filter(Boolean)
    .join('\n');
  if (!text) return null;
  return text.length > TURN_TEXT_MAX ? `${text.slice(0, TURN_TEXT_MAX)}…` : text;
}

/** A turn as a person reads it: the last user message sent to the model and the model's first reply. */
export function turnTexts(
  inputMessages: string,
  outputMessages: string,
): { userText: string | null; assistantText: string | null } {
  const users = parse(inputMessages).filter((m) => m?.role === 'user');
  return { userText: textOf(users[users.length - 1]), assistantText: textOf(parse(outputMessages)[0]) };
}
