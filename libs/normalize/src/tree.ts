/** Parent/child links of the spans of one request, keyed by trace and span id. */
export interface TreeNode {
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

export class SpanTree<T extends TreeNode> {
  private readonly byKey = new Map<string, T>();

  constructor(readonly nodes: readonly T[]) {
    for (const node of nodes) {
      const key = keyOf(node.traceId, node.spanId);
      if (!this.byKey.has(key)) this.byKey.set(key, node);
    }
  }

  /**
   * Ancestors present in the request, nearest first, produced lazily so that callers can stop early; ends at a
   * parent outside the request or at a cycle.
   */
  *ancestors(node: T): Generator<T> {
    const seen = new Set([keyOf(node.traceId, node.spanId)]);
    let parentId = node.parentSpanId;
    while (parentId) {
      const key = keyOf(node.traceId, parentId);
      const parent = this.byKey.get(key);
      if (!parent || seen.has(key)) return;
      seen.add(key);
      yield parent;
      parentId = parent.parentSpanId;
    }
  }
}

function keyOf(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}
