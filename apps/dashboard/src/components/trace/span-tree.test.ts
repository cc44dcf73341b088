import { describe, expect, it } from 'vitest';
import type { SpanView } from '../../lib/api';
import { buildWaterfall, hiddenBy, visibleRows } from './span-tree';

function span(
  spanId: string,
  parentSpanId: string | null,
  startMs: number,
  llm?: { counted: boolean; input: number | null; output: number | null; cost: number | null },
): SpanView {
  return {
    spanId,
    parentSpanId,
    name: spanId,
    kind: 'internal',
    startTime: new Date(1_700_000_000_000 + startMs).toISOString(),
    durationMs: 10,
    status: 'ok',
    statusMessage: '',
    attributes: {},
    resource: {},
    llm: llm
      ? ({
          usageCounted: llm.counted,
          usage: { inputTokens: llm.input, outputTokens: llm.output, estimated: false },
          costUsd: llm.cost,
        } as unknown as SpanView['llm'])
      : null,
  };
}

// root > agent (usage repeats its calls', not counted) > [chat1, tool > chat2 (no cost known)]; root > chat3 (no usage)
const spans = [
  span('root', null, 0),
  span('agent', 'root', 1, { counted: false, input: 300, output: 30, cost: 0.3 }),
  span('chat1', 'agent', 2, { counted: true, input: 100, output: 10, cost: 0.000004 }),
  span('tool', 'agent', 3),
  span('chat2', 'tool', 4, { counted: true, input: 200, output: 20, cost: null }),
  span('chat3', 'root', 5, { counted: true, input: null, output: null, cost: null }),
];

describe('buildWaterfall subtrees', () => {
  const { rows } = buildWaterfall(spans);
  const row = (id: string) => rows.find((r) => r.span.spanId === id)!;

  it('rolls up only counted model calls, so a parent never adds its children twice', () => {
    expect(rows.map((r) => r.span.spanId)).toEqual(['root', 'agent', 'chat1', 'tool', 'chat2', 'chat3']);
    expect(row('agent').usage).toEqual({ calls: 2, tokens: 330, costUsd: 0.000004, estimated: false });
    expect(row('root').usage).toEqual({ calls: 3, tokens: 330, costUsd: 0.000004, estimated: false });
    expect(row('tool').usage).toEqual({ calls: 1, tokens: 220, costUsd: null, estimated: false });
    expect(row('chat1').usage).toEqual({ calls: 1, tokens: 110, costUsd: 0.000004, estimated: false });
  });

  it('keeps unknown as null, never 0', () => {
    expect(row('chat3').usage).toEqual({ calls: 1, tokens: null, costUsd: null, estimated: false });
    expect(row('chat2').usage.costUsd).toBeNull();
  });

  it('folds a subtree away and finds the span that hides a folded span', () => {
    expect(row('root').subtreeEnd).toBe(6);
    expect(row('agent').subtreeEnd).toBe(5);
    expect(row('agent').hasChildren).toBe(true);
    expect(row('chat1').hasChildren).toBe(false);
    const folded = new Set(['agent']);
    expect(visibleRows(rows, folded).map((r) => r.span.spanId)).toEqual(['root', 'agent', 'chat3']);
    expect(hiddenBy(rows, folded, 'chat2')).toBe('agent');
    expect(hiddenBy(rows, folded, 'chat3')).toBeNull();
    // The outermost folded ancestor is the one in view.
    expect(hiddenBy(rows, new Set(['tool', 'root']), 'chat2')).toBe('root');
    expect(visibleRows(rows, new Set(['tool'])).map((r) => r.span.spanId)).toEqual([
      'root',
      'agent',
      'chat1',
      'tool',
      'chat3',
    ]);
  });
});
