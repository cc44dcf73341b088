import { context, createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** What `withContext` puts on every span started inside its callback. */
export interface DriftwatchContext {
  /** Your end user's id (span attribute `user.id`). */
  userId?: string;
  /** A conversation or session id (`session.id`). */
  sessionId?: string;
  /** Added to the tags of outer withContext calls (`tag.tags`). */
  tags?: string[];
  /** Merged over the metadata of outer withContext calls (`metadata`, a JSON object of strings). */
  metadata?: Record<string, string>;
  /** The prompt template in use (`llm.prompt_template.name` / `.version`). */
  promptName?: string;
  promptVersion?: string;
}

// Attribute names Driftwatch's normalizer reads (libs/normalize/src/identity.ts): OpenInference's, since the
// OpenAI instrumentation this SDK installs speaks OpenInference.
const ATTR = {
  userId: 'user.id',
  sessionId: 'session.id',
  tags: 'tag.tags',
  metadata: 'metadata',
  promptName: 'llm.prompt_template.name',
  promptVersion: 'llm.prompt_template.version',
} as const;

interface Resolved {
  values: DriftwatchContext;
  attributes: Attributes;
}

const KEY = createContextKey('driftwatch.context');

/**
 * Runs `fn` with these values on every span started inside it, nested and asynchronous calls included (through the
 * OpenTelemetry context, so it needs the context manager init() registers or the app's own). Nested calls inherit
 * the outer values: scalar fields are replaced, tags added, metadata merged. Returns what `fn` returns.
 */
export function withContext<T>(values: DriftwatchContext, fn: () => T): T {
  return context.with(contextWith(context.active(), values), fn);
}

/** The OpenTelemetry context `parent` plus these Driftwatch values, for code that manages contexts itself. */
export function contextWith(parent: Context, values: DriftwatchContext): Context {
  const outer = (parent.getValue(KEY) as Resolved | undefined)?.values ?? {};
  const merged: DriftwatchContext = { ...outer };
  for (const field of ['userId', 'sessionId', 'promptName', 'promptVersion'] as const) {
    const value = values[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new TypeError(`withContext: ${field} must be a string`);
    merged[field] = value;
  }
  if (values.tags !== undefined) {
    if (!Array.isArray(values.tags) || values.tags.some((t) => typeof t !== 'string')) {
      throw new TypeError('withContext: tags must be an array of strings');
    }
    merged.tags = [...new Set([...(outer.tags ?? []), ...values.tags])];
  }
  if (values.metadata !== undefined) {
    const entries = Object.entries(values.metadata ?? {});
    if (typeof values.metadata !== 'object' || entries.some(([, v]) => typeof v !== 'string')) {
      throw new TypeError('withContext: metadata must be an object of strings');
    }
    merged.metadata = { ...outer.metadata, ...values.metadata };
  }
  return parent.setValue(KEY, { values: merged, attributes: attributesOf(merged) } satisfies Resolved);
}

/** The values of the innermost withContext around the caller (empty outside any). */
export function currentContext(): DriftwatchContext {
  return (context.active().getValue(KEY) as Resolved | undefined)?.values ?? {};
}

function attributesOf(values: DriftwatchContext): Attributes {
  const attributes: Attributes = {};
  if (values.userId) attributes[ATTR.userId] = values.userId;
  if (values.sessionId) attributes[ATTR.sessionId] = values.sessionId;
  if (values.tags && values.tags.length > 0) attributes[ATTR.tags] = values.tags;
  if (values.metadata && Object.keys(values.metadata).length > 0) {
    attributes[ATTR.metadata] = JSON.stringify(values.metadata);
  }
  if (values.promptName) attributes[ATTR.promptName] = values.promptName;
  if (values.promptVersion) attributes[ATTR.promptVersion] = values.promptVersion;
  return attributes;
}

/** Stamps the withContext values on each span as it starts, whichever tracer or instrumentation started it. */
export class ContextSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const resolved = parentContext.getValue(KEY) as Resolved | undefined;
    if (resolved) span.setAttributes(resolved.attributes);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
