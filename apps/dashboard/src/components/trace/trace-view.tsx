'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState } from 'react';
import type { TraceDetail } from '../../lib/api';
import { formatMs } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { AddToQueue } from '../review/add-to-queue';
import { useSession } from '../shell/session-context';
import { ErrorState, Loading } from '../states';
import { buildWaterfall, hiddenBy, visibleRows, type WaterfallRow } from './span-tree';
import { SimilarCalls } from './similar-calls';
import { SpanDetail } from './span-detail';
import { TraceFeedback } from './trace-feedback';
import { TraceHeader } from './trace-header';
import { Waterfall } from './waterfall';

export function TraceView({ traceId }: { traceId: string }) {
  const state = useApi<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}`);
  const tree = useMemo(() => (state.data ? buildWaterfall(state.data.spans) : null), [state.data]);
  // The selected span lives in the URL (?span=), so a link opens the trace at that span.
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const chosen = params.get('span');
  const setChosen = useCallback(
    (spanId: string) => router.replace(`${pathname}?span=${encodeURIComponent(spanId)}`, { scroll: false }),
    [router, pathname],
  );
  // Folded subtrees, by span id; kept while spans are selected (the selection only changes the URL's ?span=).
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const shown = useMemo(() => (tree ? visibleRows(tree.rows, collapsed) : []), [tree, collapsed]);
  const { me } = useSession();
  if (state.loading) return <Loading label="Loading trace" />;
  if (state.error)
    return (
      <ErrorState
        error={state.error}
        notFoundHint={`No trace ${traceId} in this project. It may be in another project, or older than its retention.`}
        onRetry={state.reload}
      />
    );
  if (!state.data || !tree || tree.rows.length === 0)
    return <ErrorState error={new Error('This trace has no spans.')} />;

  const selectedId = chosen ?? defaultSpan(tree.rows);
  const selected = tree.rows.find((r) => r.span.spanId === selectedId)?.span ?? tree.rows[0]!.span;
  const root = tree.rows[0]!.span;
  const toggle = (spanId: string) => {
    const next = new Set(collapsed);
    if (!next.delete(spanId)) next.add(spanId);
    setCollapsed(next);
    // Folding away the selected span selects the span it is folded into, so the selection stays in view.
    const hider = hiddenBy(tree.rows, next, selected.spanId);
    if (hider) setChosen(hider);
  };
  return (
    <div className="stack">
      <TraceHeader traceId={traceId} spans={state.data.spans} root={root} totalMs={tree.totalMs} />
      {me.role !== 'viewer' ? <AddToQueue traceIds={[traceId]} compact /> : null}
      <div className="trace-layout">
        <div className="waterfall-box">
          <div className="wf-axis" aria-hidden="true">
            <span>Span</span>
            <span className="wf-axis-track">
              <span>0</span>
              <span>{formatMs(tree.totalMs / 2)}</span>
              <span>{formatMs(tree.totalMs)}</span>
            </span>
            <span className="num">Cost · tokens</span>
            <span className="num">Duration</span>
          </div>
          <Waterfall
            rows={shown}
            totalMs={tree.totalMs}
            selectedId={selected.spanId}
            onSelect={setChosen}
            collapsed={collapsed}
            onToggle={toggle}
          />
        </div>
        <SpanDetail key={selected.spanId} span={selected} />
      </div>
      {selected.llm ? (
        <SimilarCalls key={selected.spanId} traceId={traceId} spanId={selected.spanId} />
      ) : null}
      <TraceFeedback traceId={traceId} />
    </div>
  );
}

/**
 * The span to show first: the first model call that carries messages and has no LLM calls below it (an agent
 * span only repeats its children's usage), else the first LLM span, else the root.
 */
function defaultSpan(rows: WaterfallRow[]): string {
  const parents = new Set(rows.filter((r) => r.span.llm).map((r) => r.span.parentSpanId));
  const leafCall = rows.find(
    (r) =>
      r.span.llm &&
      !parents.has(r.span.spanId) &&
      r.span.llm.inputMessages.length + r.span.llm.outputMessages.length > 0,
  );
  return (leafCall ?? rows.find((r) => r.span.llm) ?? rows[0]!).span.spanId;
}
