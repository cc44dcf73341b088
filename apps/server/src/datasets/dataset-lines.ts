import type {
  ChatMessage,
  DatasetItem,
  DatasetStore,
  DatasetVersion,
  LlmView,
  MessagePart,
  SpanView,
  TraceDetail,
} from '@driftwatch/contracts';

/** Items read from the store per page of an export: memory is this many items, whatever the version's size. */
const EXPORT_PAGE = 1000;

/** A part as fine-tuning text: text as is, a tool result as its JSON; reasoning, tool calls and media are left out. */
function partText(part: MessagePart): string | null {
  if (part.type === 'text') return part.content;
  if (part.type === 'tool_call_response')
    return typeof part.response === 'string' ? part.response : JSON.stringify(part.response);
  return null;
}

function textOf(parts: readonly MessagePart[]): string {
  return parts
    .map(partText)
    .filter((t): t is string => t !== null)
    .join('\n');
}

/** The call's prompt as chat messages: system instructions first, then the input messages with text. */
export function chatInput(llm: LlmView): ChatMessage[] {
  const system = textOf(llm.systemInstructions);
  const messages = llm.inputMessages
    .map((m) => ({ role: m.role, content: textOf(m.parts) }))
    .filter((m) => m.content !== '');
  return system ? [{ role: 'system', content: system }, ...messages] : messages;
}

/** The model's own answer (its output messages' text). */
export function modelAnswer(llm: LlmView): string {
  return llm.outputMessages
    .map((m) => textOf(m.parts))
    .filter(Boolean)
    .join('\n');
}

/** The judged call: the item's span, else the trace's last counted model call, else its last model call. */
export function judgedCall(trace: TraceDetail, spanId: string): SpanView | null {
  if (spanId) return trace.spans.find((s) => s.spanId === spanId && s.llm) ?? null;
  const calls = trace.spans.filter((s) => s.llm);
  const counted = calls.filter((s) => s.llm?.usageCounted);
  return (counted.length ? counted : calls).at(-1) ?? null;
}

/** One line of the OpenAI chat fine-tuning format: the prompt and the expected answer as the assistant's turn. */
export function openAiLine(item: DatasetItem): string {
  return `${JSON.stringify({ messages: [...item.input, { role: 'assistant', content: item.expected }] })}\n`;
}

export function plainLine(item: DatasetItem): string {
  return `${JSON.stringify({ input: item.input, expected: item.expected, metadata: item.metadata })}\n`;
}

/** A version's JSONL lines, read page by page as they are consumed (a stream's backpressure paces the reads). */
export async function* exportLines(
  store: Pick<DatasetStore, 'items'>,
  projectId: string,
  version: DatasetVersion,
  format: 'openai' | 'plain',
): AsyncIterable<string> {
  const line = format === 'openai' ? openAiLine : plainLine;
  for (let from = 0; from < version.itemCount; from += EXPORT_PAGE) {
    const page = await store.items(projectId, version.datasetId, version, from, EXPORT_PAGE);
    for (const item of page) yield line(item);
  }
}
