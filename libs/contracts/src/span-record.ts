import type { Attributes, OtlpEvent } from './otlp.js';

/** One part of a message, in the OTel GenAI "parts" form (camelCase here). */
export type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'blob'; modality: string; mimeType?: string; content: string }
  | { type: 'uri'; modality: string; mimeType?: string; uri: string }
  | { type: 'file'; modality: string; mimeType?: string; fileId: string }
  | { type: 'generic'; value: unknown };

export interface Message {
  role: string;
  parts: MessagePart[];
  name?: string;
  finishReason?: string;
}

export interface ToolCall {
  id?: string;
  name: string;
  /** Arguments as the model produced them (usually a JSON string). */
  arguments?: string;
}

/** Token usage; null where the instrumentation did not report it. Cached and reasoning tokens are included in input/output. */
export interface Usage {
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadInputTokens: number | null;
  cacheWriteInputTokens: number | null;
  reasoningTokens: number | null;
  totalTokens: number | null;
  /**
   * True when the instrumentation reported no token counts and input/output were estimated from the message text
   * (a streamed call without usage, for example). Reported counts are never replaced by an estimate.
   */
  estimated: boolean;
}

export type LlmConvention = 'gen_ai' | 'openinference' | 'openllmetry' | 'vercel_ai';

export interface LlmCall {
  /** chat, text_completion, generate_content, embeddings, invoke_agent, execute_tool, ... */
  operation: string;
  provider: string;
  requestModel: string;
  responseModel: string;
  inputMessages: Message[];
  outputMessages: Message[];
  systemInstructions: MessagePart[];
  toolCalls: ToolCall[];
  finishReasons: string[];
  usage: Usage;
  /**
   * False when this span repeats usage that a descendant model call already reports (agent and step spans):
   * totals sum only counted spans, so tokens and cost are counted once.
   */
  usageCounted: boolean;
  /**
   * USD at the call's time: the project's price override for the model if it has one, else the bundled
   * @pydantic/genai-prices data; null for an unknown model (never a made-up zero).
   */
  costUsd: number | null;
  convention: LlmConvention;
}

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatus = 'unset' | 'ok' | 'error';

/** The canonical span: every span of a trace gets one; LLM spans also carry `llm`. */
export interface SpanRecord {
  projectId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  /** Exact nanoseconds since the epoch, as a decimal string (a JS number cannot hold them). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNs: number;
  status: SpanStatus;
  statusMessage: string;
  serviceName: string;
  scopeName: string;
  scopeVersion: string;
  attributes: Attributes;
  /**
   * Vectors the client computed and sent on the span (OpenInference `embedding.model_name`,
   * `embedding.embeddings.N.embedding.vector` and `.text`), kept aside for the embedding stage: not stored as
   * attributes (they are large). Absent when the span carries none.
   */
  clientVectorAttributes?: Attributes;
  resource: Attributes;
  events: Array<Omit<OtlpEvent, 'timeUnixNano'> & { timeUnixNano: string }>;
  llm: LlmCall | null;
  userId: string;
  sessionId: string;
  tags: string[];
  metadata: Record<string, string>;
  promptName: string;
  promptVersion: string;
  /** service.version of the resource. */
  release: string;
  /** deployment.environment.name (or the older deployment.environment). */
  environment: string;
}

/**
 * A project's own price for a model (custom or fine-tuned models, negotiated prices), in USD per 1M tokens. It wins
 * over the bundled price data for calls of that model (exact name, case-insensitive; any provider when empty).
 * Cache and reasoning rates default to the input and output rates.
 */
export interface PriceOverride {
  provider: string;
  model: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
}
