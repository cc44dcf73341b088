import type { SpanView } from '../../lib/api';

export interface WaterfallRow {
  span: SpanView;
  depth: number;
  startMs: number;
  /** Offset from the trace's start, ms. */
  offsetMs: number;
  /** Rows are depth-first, so a span's subtree is rows (index, subtreeEnd): the index just past it. */
  subtreeEnd: number;
  hasChildren: boolean;
  /** Tokens and cost of the counted model calls in the span's subtree, itself included. */
  usage: SubtreeUsage;
}

/**
 * The model calls of a subtree that count (`usageCounted`: the trace header's rule, so a wrapper or agent span
 * never adds its children's usage twice), and their tokens and cost; null when none of them reported any
 * (unknown, shown "—", never 0).
 */
export interface SubtreeUsage {
  calls: number;
  tokens: number | null;
  costUsd: number | null;
  estimated: boolean;
}

/**
 * Orders spans depth-first (children by start time) with their depth. Spans whose parent is missing are roots;
 * a cycle in bad data cannot loop (each span is visited once).
 */
export function buildWaterfall(spans: SpanView[]): { rows: WaterfallRow[]; totalMs: number } {
  const { rows, totalMs } = orderSpans(spans);
  withSubtrees(rows);
  return { rows, totalMs };
}

type OrderedRow = Omit<WaterfallRow, 'subtreeEnd' | 'hasChildren' | 'usage'> & Partial<WaterfallRow>;

function orderSpans(spans: SpanView[]): { rows: OrderedRow[]; totalMs: number } {
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
  const rows: OrderedRow[] = [];
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

const NO_USAGE: SubtreeUsage = { calls: 0, tokens: null, costUsd: null, estimated: false };

/**
 * Fills each row's subtree end and rolled-up usage in two linear passes: the subtree ends from a stack of open
 * rows, then the usage as differences of running sums over the depth-first order.
 */
function withSubtrees(rows: OrderedRow[]): asserts rows is WaterfallRow[] {
  const open: number[] = [];
  rows.forEach((row, i) => {
    while (open.length && rows[open[open.length - 1]!]!.depth >= row.depth) rows[open.pop()!]!.subtreeEnd = i;
    open.push(i);
  });
  for (const i of open) rows[i]!.subtreeEnd = rows.length;

  // Running sums before row i: calls, tokens and calls with tokens, cost and calls with a cost, estimated calls.
  const sums = [[0, 0, 0, 0, 0, 0]];
  for (const { span } of rows) {
    const llm = span.llm?.usageCounted ? span.llm : null;
    const input = llm?.usage.inputTokens ?? null;
    const output = llm?.usage.outputTokens ?? null;
    const before = sums[sums.length - 1]!;
    sums.push([
      before[0]! + (llm ? 1 : 0),
      before[1]! + (input ?? 0) + (output ?? 0),
      before[2]! + (input !== null || output !== null ? 1 : 0),
      before[3]! + (llm?.costUsd ?? 0),
      before[4]! + (llm?.costUsd != null ? 1 : 0),
      before[5]! + (llm?.usage.estimated ? 1 : 0),
    ]);
  }
  rows.forEach((row, i) => {
    row.hasChildren = row.subtreeEnd! > i + 1;
    const [calls, tokens, withTokens, cost, withCost, estimated] = sums[row.subtreeEnd!]!.map(
      (v, k) => v - sums[i]![k]!,
    ) as [number, number, number, number, number, number];
    row.usage = calls
      ? {
          calls,
          tokens: withTokens ? tokens : null,
          costUsd: withCost ? cost : null,
          estimated: estimated > 0,
        }
      : NO_USAGE;
  });
}

/** The rows left in view when the subtrees of `collapsed` spans are folded away (the spans themselves stay). */
export function visibleRows(rows: WaterfallRow[], collapsed: ReadonlySet<string>): WaterfallRow[] {
  if (collapsed.size === 0) return rows;
  const shown: WaterfallRow[] = [];
  for (let i = 0; i < rows.length;) {
    const row = rows[i]!;
    shown.push(row);
    i = collapsed.has(row.span.spanId) ? row.subtreeEnd : i + 1;
  }
  return shown;
}

/** The collapsed span whose folded subtree hides `spanId`, or null when it is in view. */
export function hiddenBy(
  rows: WaterfallRow[],
  collapsed: ReadonlySet<string>,
  spanId: string,
): string | null {
  const index = rows.findIndex((r) => r.span.spanId === spanId);
  if (index < 0) return null;
  let outermost: string | null = null;
  for (let i = 0; i < index; i++) {
    const row = rows[i]!;
    if (row.subtreeEnd > index && collapsed.has(row.span.spanId)) {
      outermost = row.span.spanId;
      break;
    }
  }
  return outermost;
}
