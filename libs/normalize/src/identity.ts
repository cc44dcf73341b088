import type { Attributes } from '@driftwatch/contracts';
import { asString, str, strList, under } from './attributes.js';
import { isRecord, parseJsonAttr } from './json.js';

/** Who and what a span belongs to, read from whichever convention carries it. */
export interface Identity {
  userId: string;
  sessionId: string;
  tags: string[];
  metadata: Record<string, string>;
  promptName: string;
  promptVersion: string;
}

const USER_KEYS = ['userId', 'user_id', 'user.id'];
const SESSION_KEYS = ['sessionId', 'session_id', 'session.id'];
const PROMPT_NAME_KEYS = ['promptName', 'prompt_name'];
const PROMPT_VERSION_KEYS = ['promptVersion', 'prompt_version'];
const CONSUMED = new Set([
  ...USER_KEYS,
  ...SESSION_KEYS,
  ...PROMPT_NAME_KEYS,
  ...PROMPT_VERSION_KEYS,
  'tags',
]);

export function readIdentity(attrs: Attributes): Identity {
  // AI SDK <= 6 telemetry metadata, or the AI SDK 7 call context.
  const vercel = { ...under(attrs, 'ai.settings.context'), ...under(attrs, 'ai.telemetry.metadata') };
  const traceloop = under(attrs, 'traceloop.association.properties');
  const metadata: Record<string, string> = {};
  const openInference = parseJsonAttr(attrs['metadata']);
  if (openInference.kind === 'value' && isRecord(openInference.value)) addAll(metadata, openInference.value);
  addAll(metadata, under(attrs, 'langfuse.trace.metadata'));
  addAll(metadata, under(attrs, 'langfuse.observation.metadata'));
  addAll(metadata, traceloop);
  addAll(metadata, vercel);
  const functionId = str(attrs, 'ai.telemetry.functionId');
  if (functionId) metadata['functionId'] = functionId;
  return {
    userId:
      str(attrs, 'user.id') ||
      str(vercel, ...USER_KEYS) ||
      str(traceloop, ...USER_KEYS) ||
      str(attrs, 'langfuse.user.id', 'enduser.id', 'gen_ai.user'),
    sessionId:
      str(attrs, 'session.id') ||
      str(vercel, ...SESSION_KEYS) ||
      str(traceloop, ...SESSION_KEYS) ||
      str(attrs, 'langfuse.session.id', 'gen_ai.conversation.id'),
    tags: [
      ...new Set([
        ...strList(attrs['tag.tags']),
        ...strList(vercel['tags']),
        ...strList(traceloop['tags']),
        ...strList(attrs['langfuse.trace.tags']),
      ]),
    ],
    metadata,
    promptName:
      str(attrs, 'langfuse.prompt.name', 'traceloop.prompt.key', 'traceloop.prompt.name') ||
      str(attrs, 'llm.prompt_template.name', 'gen_ai.prompt.name') ||
      str(vercel, ...PROMPT_NAME_KEYS),
    promptVersion:
      str(attrs, 'langfuse.prompt.version', 'traceloop.prompt.version') ||
      str(attrs, 'llm.prompt_template.version', 'gen_ai.prompt.version') ||
      str(vercel, ...PROMPT_VERSION_KEYS),
  };
}

/** Metadata values are strings: other JSON values are serialised; identity keys are not repeated. */
function addAll(target: Record<string, string>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (CONSUMED.has(key) || value === null || value === undefined) continue;
    target[key] = asString(value);
  }
}
