'use client';
import type { ReactNode } from 'react';
import type { LlmView } from '../../lib/api';
import { MessagePart } from './message-part';
import { PartBoundary } from './part-boundary';

interface ChatMessage {
  role: string;
  parts: unknown[];
  name?: string;
  finishReason?: string;
}

const ROLE_LABEL: Record<string, string> = {
  system: 'System',
  developer: 'Developer',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool',
};

/** Reads whatever came from the trace as a list of messages, tolerating missing or mistyped fields. */
function asMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value)) return [];
  return value.map((m) => {
    const raw = (m && typeof m === 'object' ? m : {}) as Record<string, unknown>;
    return {
      role: typeof raw.role === 'string' ? raw.role : 'unknown',
      parts: Array.isArray(raw.parts) ? raw.parts : raw.parts === undefined ? [] : [raw.parts],
      name: typeof raw.name === 'string' ? raw.name : undefined,
      finishReason: typeof raw.finishReason === 'string' ? raw.finishReason : undefined,
    };
  });
}

/**
 * The conversation of one LLM call as a chat: system instructions, the input messages, then the model's output
 * (tool calls and tool results included). Model content is rendered as text and safe Markdown only.
 */
export function ChatView({
  llm,
}: {
  llm: Pick<LlmView, 'systemInstructions' | 'inputMessages' | 'outputMessages' | 'toolCalls'>;
}) {
  const system = Array.isArray(llm.systemInstructions) ? llm.systemInstructions : [];
  const input = asMessages(llm.inputMessages);
  const output = asMessages(llm.outputMessages);
  const outputHasToolCalls = output.some((m) =>
    m.parts.some((p) => (p as { type?: unknown })?.type === 'tool_call'),
  );
  const extraToolCalls = outputHasToolCalls || !Array.isArray(llm.toolCalls) ? [] : llm.toolCalls;
  const empty =
    system.length === 0 && input.length === 0 && output.length === 0 && extraToolCalls.length === 0;
  return (
    <section className="chat" aria-label="Conversation">
      {empty ? <p className="muted">This call recorded no message content.</p> : null}
      {system.length > 0 ? (
        <Bubble role="system" label="System instructions">
          {system.map((part, i) => (
            <PartBoundary key={i}>
              <MessagePart part={part} />
            </PartBoundary>
          ))}
        </Bubble>
      ) : null}
      {input.map((m, i) => (
        <MessageBubble key={`in-${i}`} message={m} />
      ))}
      {output.length > 0 || extraToolCalls.length > 0 ? <div className="chat-divider">Output</div> : null}
      {output.map((m, i) => (
        <MessageBubble key={`out-${i}`} message={m} />
      ))}
      {extraToolCalls.length > 0 ? (
        <Bubble role="assistant" label="Assistant (tool calls)">
          {extraToolCalls.map((call, i) => (
            <PartBoundary key={i}>
              <MessagePart part={{ type: 'tool_call', ...call }} />
            </PartBoundary>
          ))}
        </Bubble>
      ) : null}
    </section>
  );
}

function MessageBubble({ message }: { message: ChatMessage }) {
  const label = `${ROLE_LABEL[message.role] ?? message.role}${message.name ? ` · ${message.name}` : ''}`;
  return (
    <Bubble role={message.role} label={label} finishReason={message.finishReason}>
      {message.parts.length === 0 ? <p className="muted small">(empty)</p> : null}
      {message.parts.map((part, i) => (
        <PartBoundary key={i}>
          <MessagePart part={part} />
        </PartBoundary>
      ))}
    </Bubble>
  );
}

function Bubble({
  role,
  label,
  finishReason,
  children,
}: {
  role: string;
  label: string;
  finishReason?: string | undefined;
  children: ReactNode;
}) {
  return (
    <article className={`bubble role-${/^[a-z]+$/.test(role) ? role : 'other'}`} aria-label={label}>
      <header className="bubble-head">
        <span className="role">{label}</span>
        {finishReason ? <span className="muted small">finish: {finishReason}</span> : null}
      </header>
      <div className="bubble-body">{children}</div>
    </article>
  );
}
