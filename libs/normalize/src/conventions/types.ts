import type {
  Attributes,
  LlmConvention,
  Message,
  MessagePart,
  OtlpEvent,
  ToolCall,
  Usage,
} from '@driftwatch/contracts';

/**
 * What a span is for usage counting: a real model call, a wrapper repeating the usage of its children (agent,
 * workflow, step, chain), a tool execution, or anything else.
 */
export type SpanRole = 'model' | 'wrapper' | 'tool' | 'other';

/** The parts of a span a convention reader looks at. */
export interface SpanInput {
  name: string;
  attributes: Attributes;
  events: OtlpEvent[];
  scopeName: string;
}

export interface Classification {
  convention: LlmConvention;
  role: SpanRole;
  /**
   * Generic framework spans (OpenInference CHAIN/AGENT/RETRIEVER, Traceloop workflow/task/agent, GenAI
   * retrieval...) are LLM calls only when they name a model or report usage.
   */
  needsEvidence: boolean;
}

/** What one reader found; absent or empty fields are filled by the next reader in precedence order. */
export interface LlmFields {
  operation?: string;
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  inputMessages?: Message[];
  outputMessages?: Message[];
  systemInstructions?: MessagePart[];
  toolCalls?: ToolCall[];
  finishReasons?: string[];
  usage?: Partial<Usage>;
}

/** Fields of the first reader that has them win; usage is merged field by field. */
export function mergeFields(...sources: LlmFields[]): LlmFields {
  const text = (pick: (f: LlmFields) => string | undefined) => sources.map(pick).find((v) => !!v);
  const list = <T>(pick: (f: LlmFields) => T[] | undefined) => sources.map(pick).find((v) => !!v?.length);
  const count = (pick: (u: Partial<Usage>) => number | null | undefined) =>
    sources.map((s) => (s.usage ? pick(s.usage) : null)).find((v) => v !== null && v !== undefined) ?? null;
  return {
    operation: text((f) => f.operation),
    provider: text((f) => f.provider),
    requestModel: text((f) => f.requestModel),
    responseModel: text((f) => f.responseModel),
    inputMessages: list((f) => f.inputMessages),
    outputMessages: list((f) => f.outputMessages),
    systemInstructions: list((f) => f.systemInstructions),
    toolCalls: list((f) => f.toolCalls),
    finishReasons: list((f) => f.finishReasons),
    usage: {
      inputTokens: count((u) => u.inputTokens),
      outputTokens: count((u) => u.outputTokens),
      cacheReadInputTokens: count((u) => u.cacheReadInputTokens),
      cacheWriteInputTokens: count((u) => u.cacheWriteInputTokens),
      reasoningTokens: count((u) => u.reasoningTokens),
      totalTokens: count((u) => u.totalTokens),
    },
  };
}
