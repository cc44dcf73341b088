import type { LlmCall } from '@driftwatch/contracts';
import { classify } from './conventions/classify.js';
import { readGenAi } from './conventions/gen-ai.js';
import { readOpenInference } from './conventions/openinference.js';
import { readOpenLlmetry } from './conventions/openllmetry.js';
import type { LlmFields, SpanInput, SpanRole } from './conventions/types.js';
import { mergeFields } from './conventions/types.js';
import { readVercelAi } from './conventions/vercel-ai.js';
import { canonicalFinishReason } from './finish-reason.js';
import { finishReasonsOf, splitSystem, toolCallsOf } from './messages/messages.js';
import { normalizeProvider } from './provider.js';
import { finalizeUsage, hasUsage } from './usage.js';

/** The LLM call of a span before counting and cost, which depend on the rest of the request. */
export interface LlmDraft {
  role: SpanRole;
  call: Omit<LlmCall, 'usageCounted' | 'costUsd'>;
}

const DEFAULT_OPERATION: Record<SpanRole, string> = {
  model: 'chat',
  wrapper: 'invoke_agent',
  tool: 'execute_tool',
  other: 'unknown',
};

export function readLlmCall(span: SpanInput): LlmDraft | null {
  const classification = classify(span);
  if (!classification) return null;
  const { convention, role, needsEvidence } = classification;
  const fields = mergeFields(...readersFor(convention).map((read) => read(span)));
  const usage = finalizeUsage(fields.usage ?? {});
  const hasModel = Boolean(fields.requestModel || fields.responseModel);
  if (needsEvidence && !hasModel && !hasUsage(usage)) return null;
  const { systemInstructions, inputMessages } = splitSystem(
    fields.inputMessages ?? [],
    fields.systemInstructions ?? [],
  );
  const outputMessages = fields.outputMessages ?? [];
  return {
    role,
    call: {
      operation: fields.operation || DEFAULT_OPERATION[role],
      provider: normalizeProvider(fields.provider ?? ''),
      requestModel: fields.requestModel ?? '',
      responseModel: fields.responseModel ?? '',
      inputMessages,
      outputMessages,
      systemInstructions,
      toolCalls: fields.toolCalls?.length ? fields.toolCalls : toolCallsOf(outputMessages),
      finishReasons: (fields.finishReasons?.length
        ? fields.finishReasons
        : finishReasonsOf(outputMessages)
      ).map(canonicalFinishReason),
      usage,
      convention,
    },
  };
}

type Reader = (span: SpanInput) => LlmFields;

/** Readers in precedence order: the convention's own reader, then GenAI attributes that fill the gaps. */
function readersFor(convention: LlmCall['convention']): Reader[] {
  switch (convention) {
    case 'vercel_ai':
      return [readVercelAi, readGenAi];
    case 'openinference':
      return [readOpenInference, readGenAi];
    case 'openllmetry':
      return [readGenAi, readOpenLlmetry];
    default:
      return [readGenAi];
  }
}
