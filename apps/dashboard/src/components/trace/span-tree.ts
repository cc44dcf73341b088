import type { SpanView } from '../../lib/api';

export interface WaterfallRow {
  span: SpanView;
  depth: number;
  startMs: number;
  /** Offset from the trace's start, ms. */
  offsetMs: number;
}

/**
 * Orders spans depth-first (children by start time) with their depth. Spans whose parent is missing are roots;
 * a cycle in bad data cannot loop (each span is visited once).
 */
export function buildWaterfall(spans: SpanView[]): { rows: WaterfallRow[]; totalMs: number } {
  const start = new Map(spans.map((s) => [s.spanId, Date.parse(s.startTime)]));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, SpanView[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => start.get(a.spanId)! - start.get(b.spanId)!);
  const traceStart = Math.min(...spans.map((s) => start.get(s.spanId)!));
  const traceEnd = Math.max(...spans.map((s) => start.get(s.spanId)! + s.durationMs));
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const stack: Array<{ span: SpanView; depth: number }> = (children.get(null) ?? [])
    .map((span) => ({ span, depth: 0 }))
    .reverse();
  while (stack.length) {
    const { span, depth } = stack.pop()!;
    if (seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    const startMs = start.get(span.spanId)!;
    rows.push({ span, depth, startMs, offsetMs: startMs - traceStart });
    const kids = children.get(span.spanId) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
  }
  // Spans only reachable through a cycle still show, at the root level.
  for (const span of spans) {
    if (!seen.has(span.spanId)) {
      const startMs = start.get(span.spanId)!;
      rows.push({ span, depth: 0, startMs, offsetMs: startMs - traceStart });
    }
  }
  return { rows, totalMs: Math.max(traceEnd - traceStart, 0.001) };
}
