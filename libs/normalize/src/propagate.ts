import type { SpanRecord } from '@driftwatch/contracts';
import type { SpanTree, TreeNode } from './tree.js';

type IdField = 'userId' | 'sessionId';
type Node = TreeNode & { record: SpanRecord };

/**
 * User and session ids often sit on one span only (the root, or a child that the SDK tagged). Spans that lack
 * one take it from the nearest ancestor that has it, else from any span of the same trace in the request.
 */
export function propagateIdentity<T extends Node>(tree: SpanTree<T>): void {
  for (const field of ['userId', 'sessionId'] as const) propagateField(tree, field);
}

function propagateField<T extends Node>(tree: SpanTree<T>, field: IdField): void {
  const firstInTrace = new Map<string, string>();
  for (const node of tree.nodes) {
    const value = node.record[field];
    if (value && !firstInTrace.has(node.traceId)) firstInTrace.set(node.traceId, value);
  }
  // Nearest ancestor value per span lacking one ('' for none); shared by every span on a walked path, so deep
  // chains cost linear time.
  const inherited = new Map<T, string>();
  for (const node of tree.nodes) {
    if (node.record[field] || inherited.has(node)) continue;
    const path = [node];
    let found = '';
    for (const ancestor of tree.ancestors(node)) {
      const own = ancestor.record[field];
      const known = inherited.get(ancestor);
      if (own || known !== undefined) {
        found = own || (known ?? '');
        break;
      }
      path.push(ancestor);
    }
    for (const n of path) inherited.set(n, found);
  }
  // Assigned after the scan so that propagated values never masquerade as an ancestor's own.
  for (const [node, value] of inherited) node.record[field] = value || firstInTrace.get(node.traceId) || '';
}
