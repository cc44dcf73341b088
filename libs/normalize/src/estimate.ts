import type { Message, MessagePart, Usage } from '@driftwatch/contracts';

/** Counts the tokens of a text for a model. */
export type TokenCounter = (text: string, model: string) => number;

/**
 * The ingest-time estimate: about 4 characters per token for ASCII text (English prose, code and JSON with the
 * OpenAI and Anthropic tokenizers) and about one token per character elsewhere (CJK, accented and other scripts
 * split finer). One pass over the text, no tables: a real BPE tokenizer costs ~0.25 µs per byte plus seconds to
 * load its ranks, which the ingest path cannot pay per span (bench/ingest/estimate.mjs measures both).
 */
export function approximateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other * 0.8);
}

/** Chat formats add a few tokens per message (role and separators) and to prime the reply (OpenAI: 3 and 3). */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

function partText(part: MessagePart): string {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return part.content;
    case 'tool_call':
      return `${part.name} ${typeof part.arguments === 'string' ? part.arguments : JSON.stringify(part.arguments ?? '')}`;
    case 'tool_call_response':
      return typeof part.response === 'string' ? part.response : JSON.stringify(part.response ?? '');
    case 'generic':
      return typeof part.value === 'string' ? part.value : JSON.stringify(part.value ?? '');
    default:
      // Images, audio and files are billed by the provider's own rules: not estimated from their bytes.
      return '';
  }
}

function messagesTokens(
  messages: readonly Message[],
  model: string,
  count: TokenCounter,
  perMessage: number,
): number {
  let tokens = 0;
  for (const message of messages) {
    tokens += perMessage;
    for (const part of message.parts) {
      const text = partText(part);
      if (text) tokens += count(text, model);
    }
  }
  return tokens;
}

interface Conversation {
  operation: string;
  requestModel: string;
  responseModel: string;
  inputMessages: Message[];
  outputMessages: Message[];
  systemInstructions: MessagePart[];
}

/**
 * Estimated usage of a model call that reported none, from its messages; null when it carries no messages.
 * Input: system instructions and input messages with the per-message overhead; output: the output messages.
 */
export function estimateUsage(call: Conversation, count: TokenCounter = approximateTokens): Usage | null {
  const hasInput = call.inputMessages.length > 0 || call.systemInstructions.length > 0;
  if (!hasInput && call.outputMessages.length === 0) return null;
  const model = call.responseModel || call.requestModel;
  // Embeddings inputs are plain texts: no chat roles, separators or reply to prime.
  const chat = call.operation !== 'embeddings';
  const system: Message[] = call.systemInstructions.length
    ? [{ role: 'system', parts: call.systemInstructions }]
    : [];
  const inputTokens = hasInput
    ? chat
      ? messagesTokens([...system, ...call.inputMessages], model, count, PER_MESSAGE) + REPLY_PRIMING
      : messagesTokens(call.inputMessages, model, count, 0)
    : null;
  const outputTokens = call.outputMessages.length
    ? messagesTokens(call.outputMessages, model, count, 0)
    : null;
  return {
    inputTokens,
    outputTokens,
    cacheReadInputTokens: null,
    cacheWriteInputTokens: null,
    reasoningTokens: null,
    totalTokens: (inputTokens ?? 0) + (outputTokens ?? 0),
    estimated: true,
  };
}
