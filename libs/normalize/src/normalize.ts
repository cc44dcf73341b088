import type { OtlpTraceRequest, SpanRecord } from '@driftwatch/contracts';
import { readIdentity } from './identity.js';
import type { GenAiLogRecord } from './log-events.js';
import { eventsFromLogRecords } from './log-events.js';
import { propagateIdentity } from './propagate.js';
import { readLlmCall } from './llm.js';
import type { LlmDraft } from './llm.js';
import { costUsd } from './pricing/cost.js';
import { DEFAULT_PRICES } from './pricing/prices.js';
import type { PriceTable } from './pricing/types.js';
import { baseRecord } from './span-fields.js';
import { SpanTree } from './tree.js';
import { invalidReason } from './validate.js';

export interface NormalizeOptions {
  projectId: string;
  /** Prices for costUsd; the table shipped with the library when absent. */
  prices?: PriceTable;
  /**
   * GenAI log records of the same spans (content that instrumentations emit as OTel logs); read as span events
   * when building LLM calls. Records of spans that are not in the request are ignored.
   */
  logRecords?: readonly GenAiLogRecord[];
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
  const prices = options.prices ?? DEFAULT_PRICES;
  const entries: Entry[] = [];
  const rejected: RejectedSpan[] = [];
  const logEvents = eventsFromLogRecords(options.logRecords ?? []);
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
            events: [...(span.events ?? []), ...(logEvents.get(`${span.traceId}/${span.spanId}`) ?? [])],
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
  attachLlmCalls(entries, tree, prices);
  propagateIdentity(tree);
  return { records: entries.map((e) => e.record), rejected };
}

/**
 * Usage is counted on real model calls only, and only on the innermost one: a model call with a model-call
 * descendant (a framework span around the provider span) repeats that usage, as do agent and step spans.
 */
function attachLlmCalls(entries: Entry[], tree: SpanTree<Entry>, prices: PriceTable): void {
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
    entry.record.llm = {
      ...rest,
      usageCounted,
      costUsd: usageCounted ? costUsd(call, prices) : null,
      convention,
    };
  }
}
