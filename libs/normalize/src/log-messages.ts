import type { Message, MessagePart, ToolCall } from '@driftwatch/contracts';
import { readContentEvents } from './conventions/gen-ai-events.js';
import { canonicalFinishReason } from './finish-reason.js';
import { eventsFromLogRecords, type GenAiLogRecord } from './log-events.js';
import { finishReasonsOf, splitSystem, toolCallsOf } from './messages/messages.js';

export interface LogMessages {
  inputMessages: Message[];
  outputMessages: Message[];
  systemInstructions: MessagePart[];
  toolCalls: ToolCall[];
  finishReasons: string[];
}

/**
 * The conversation of one span rebuilt from GenAI log records linked to it. Used at read time: log records
 * arrive on /v1/logs, often in another request than their span, so they cannot be joined at ingest.
 */
export function messagesFromLogRecords(records: readonly GenAiLogRecord[]): LogMessages {
  const events = [...eventsFromLogRecords(records).values()].flat();
  events.sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0));
  const { input, output } = readContentEvents(events);
  const { systemInstructions, inputMessages } = splitSystem(input, []);
  return {
    inputMessages,
    outputMessages: output,
    systemInstructions,
    toolCalls: toolCallsOf(output),
    finishReasons: finishReasonsOf(output).map(canonicalFinishReason),
  };
}
