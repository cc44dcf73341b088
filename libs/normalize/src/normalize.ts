import type { OtlpTraceRequest, SpanRecord } from '@driftwatch/contracts';
import { estimateUsage, type TokenCounter } from './estimate.js';
import { readIdentity } from './identity.js';
import { propagateIdentity } from './propagate.js';
import { readLlmCall } from './llm.js';
import type { LlmDraft } from './llm.js';
import { DEFAULT_PRICER, type Pricer } from './pricing/pricer.js';
import { hasUsage } from './usage.js';
import { baseRecord } from './span-fields.js';
import { SpanTree } from './tree.js';
import { invalidReason } from './validate.js';

export interface NormalizeOptions {
  projectId: string;
  /** The project's pricer (its overrides over the bundled prices); the bundled prices alone when absent. */
  pricer?: Pricer;
  /** Counts tokens for usage estimates; the cheap approximation when absent (see estimate.ts). */
  countTokens?: TokenCounter;
}

export interface RejectedSpan {
  spanId: string;
  reason: string;
}

export interface NormalizeResult {
  records: SpanRecord[];
  /** Spans that cannot be stored, with the reason (the server reports them as OTLP partial_success). */
  rejected: RejectedSpan[];
}

interface Entry {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  record: SpanRecord;
  draft: LlmDraft | null;
}

/**
 * One decoded OTLP trace request as canonical span records: every valid span becomes a record, LLM spans get
 * one LlmCall whatever convention produced them, usage is counted once per request tree, and user and session
 * ids reach the spans that lack them. Invalid spans are rejected one by one and never stop the others.
 */
export function normalizeTraceRequest(request: OtlpTraceRequest, options: NormalizeOptions): NormalizeResult {
  const entries: Entry[] = [];
  const rejected: RejectedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = resourceSpans.resource ?? {};
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const reason = invalidReason(span);
        if (reason) {
          rejected.push({ spanId: String(span.spanId ?? ''), reason });
          continue;
        }
        try {
          const base = baseRecord(options.projectId, resource, scopeSpans.scope, span);
          const draft = readLlmCall({
            name: base.name,
            attributes: span.attributes ?? {},
            events: span.events ?? [],
            scopeName: base.scopeName,
          });
          const record: SpanRecord = { ...base, llm: null, ...readIdentity(span.attributes ?? {}) };
          entries.push({
            traceId: base.traceId,
            spanId: base.spanId,
            parentSpanId: base.parentSpanId,
            record,
            draft,
          });
        } catch (error) {
          // Defensive: a shape no reader foresaw rejects this span only.
          rejected.push({ spanId: span.spanId, reason: `could not normalize span: ${String(error)}` });
        }
      }
    }
  }
  const tree = new SpanTree(entries);
  attachLlmCalls(entries, tree, options);
  propagateIdentity(tree);
  return { records: entries.map((e) => e.record), rejected };
}

/**
 * Usage is counted on real model calls only, and only on the innermost one: a model call with a model-call
 * descendant (a framework span around the provider span) repeats that usage, as do agent and step spans. (Spans
 * of one trace exported in several requests are reconciled when read: see store-clickhouse counted-usage.ts.)
 * A counted call that reported no usage gets an estimate from its messages; cost is at the call's start time.
 */
function attachLlmCalls(entries: Entry[], tree: SpanTree<Entry>, options: NormalizeOptions): void {
  const pricer = options.pricer ?? DEFAULT_PRICER;
  const hasModelBelow = new Set<Entry>();
  for (const entry of entries) {
    if (entry.draft?.role !== 'model') continue;
    for (const ancestor of tree.ancestors(entry)) {
      if (hasModelBelow.has(ancestor)) break;
      hasModelBelow.add(ancestor);
    }
  }
  for (const entry of entries) {
    if (!entry.draft) continue;
    const { call, role } = entry.draft;
    const usageCounted = role === 'model' && !hasModelBelow.has(entry);
    const { convention, ...rest } = call;
    const usage =
      usageCounted && !hasUsage(call.usage)
        ? (estimateUsage(call, options.countTokens) ?? call.usage)
        : call.usage;
    const at = new Date(Number(entry.record.startTimeUnixNano.slice(0, -6) || 0));
    entry.record.llm = {
      ...rest,
      usage,
      usageCounted,
      costUsd: usageCounted ? pricer.costUsd({ ...call, usage }, at) : null,
      convention,
    };
  }
}
