import { hasKeyWithPrefix, str } from '../attributes.js';
import { GEN_AI_MODEL_OPERATIONS, GEN_AI_WRAPPER_OPERATIONS } from './gen-ai.js';
import { OPENINFERENCE_KIND, openInferenceRole } from './openinference.js';
import { isOpenLlmetry, traceloopRole } from './openllmetry.js';
import type { Classification, SpanInput, SpanRole } from './types.js';
import { vercelOperationId, vercelRole } from './vercel-ai.js';

const GEN_AI_SIGNALS = [
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.provider.name',
  'gen_ai.system',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
];
const FLAT_MESSAGE_KEY = /^gen_ai\.(prompt|completion)\.\d+\./;
const GEN_AI_EVENTS = /^gen_ai\.(content\.|system\.|user\.|assistant\.|tool\.|choice$|client\.inference)/;

export function genAiRole(operation: string): SpanRole {
  if (GEN_AI_MODEL_OPERATIONS.has(operation)) return 'model';
  if (GEN_AI_WRAPPER_OPERATIONS.has(operation)) return 'wrapper';
  return operation === 'execute_tool' ? 'tool' : 'other';
}

/**
 * Which convention describes the span and what role it plays, most specific first: Vercel AI SDK `ai.*`
 * spans, OpenInference, Traceloop SDK spans, then GenAI attributes (OpenLLMetry when its markers are present).
 * Null for spans with no LLM signal at all.
 */
export function classify(span: SpanInput): Classification | null {
  const attrs = span.attributes;
  const vercelOperation = vercelOperationId(span);
  if (vercelOperation) {
    const role = vercelRole(vercelOperation);
    return { convention: 'vercel_ai', role, needsEvidence: role === 'other' };
  }
  const kind = str(attrs, OPENINFERENCE_KIND);
  if (kind) {
    const role = openInferenceRole(kind);
    return { convention: 'openinference', role, needsEvidence: role === 'wrapper' || role === 'other' };
  }
  const sdkRole = traceloopRole(str(attrs, 'traceloop.span.kind'));
  if (sdkRole) return { convention: 'openllmetry', role: sdkRole, needsEvidence: sdkRole === 'wrapper' };
  const convention = isOpenLlmetry(span) ? 'openllmetry' : 'gen_ai';
  const operation = str(attrs, 'gen_ai.operation.name');
  if (operation) {
    const role = genAiRole(operation);
    return { convention, role, needsEvidence: role === 'other' };
  }
  const hasGenAi = GEN_AI_SIGNALS.some((key) => attrs[key] !== undefined);
  // AI SDK 7 step spans ("step 1") sit between invoke_agent and chat and repeat the chat usage.
  if (/^step \d+$/.test(span.name) && hasKeyWithPrefix(attrs, 'gen_ai.')) {
    return { convention, role: 'wrapper', needsEvidence: false };
  }
  const hasOpenLlmetryCall =
    attrs['llm.request.type'] !== undefined || Object.keys(attrs).some((key) => FLAT_MESSAGE_KEY.test(key));
  if (hasGenAi || hasOpenLlmetryCall || span.events.some((e) => GEN_AI_EVENTS.test(e.name))) {
    return { convention, role: 'model', needsEvidence: false };
  }
  return null;
}
