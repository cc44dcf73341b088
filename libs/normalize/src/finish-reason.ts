/**
 * Finish reasons in the OTel GenAI vocabulary (stop, length, content_filter, tool_call, error), so
 * "why did calls end" can be counted across providers and SDKs; an unknown value is kept as sent.
 */
const CANONICAL: Record<string, string> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  complete: 'stop',
  eos: 'stop',
  length: 'length',
  max_tokens: 'length',
  max_output_tokens: 'length',
  model_length: 'length',
  content_filter: 'content_filter',
  'content-filter': 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  refusal: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
  tool_call: 'tool_call',
  tool_calls: 'tool_call',
  'tool-calls': 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  error: 'error',
};

export function canonicalFinishReason(reason: string): string {
  const key = reason.trim().toLowerCase();
  return CANONICAL[key] ?? CANONICAL[key.replace(/^finish_reason_/, '')] ?? reason;
}
