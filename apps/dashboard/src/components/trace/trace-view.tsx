'use client';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import type { TraceDetail } from '../../lib/api';
import { formatCost, formatMs, formatTime } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { EstimatedMark } from '../estimated-mark';
import { SessionLink, UserLink } from '../groups/id-links';
import { ErrorState, Loading } from '../states';
import { buildWaterfall, type WaterfallRow } from './span-tree';
import { SpanDetail } from './span-detail';
import { Waterfall } from './waterfall';
import { UserText } from '../user-text';

export function TraceView({ traceId }: { traceId: string }) {
  const state = useApi<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}`);
  const tree = useMemo(() => (state.data ? buildWaterfall(state.data.spans) : null), [state.data]);
  const [chosen, setChosen] = useState<string | null>(null);
  if (state.loading) return <Loading label="Loading trace" />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data || !tree || tree.rows.length === 0)
    return <ErrorState error={new Error('This trace has no spans.')} />;

  const selectedId = chosen ?? defaultSpan(tree.rows);
  const selected = tree.rows.find((r) => r.span.spanId === selectedId)?.span ?? tree.rows[0]!.span;
  const root = tree.rows[0]!.span;
  // Only counted calls: a wrapper span repeats the usage (and cost) of the call inside it.
  const counted = state.data.spans.filter((s) => s.llm?.usageCounted);
  const cost = counted.some((s) => s.llm?.costUsd != null)
    ? counted.reduce((sum, s) => sum + (s.llm?.costUsd ?? 0), 0)
    : null;
  const estimated = counted.some((s) => s.llm?.usage.estimated);
  const sessionId = state.data.spans
    .map((s) => s.attributes['session.id'])
    .find((v) => typeof v === 'string');
  const userId = state.data.spans.map((s) => s.attributes['user.id']).find((v) => typeof v === 'string');

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/traces">Traces</Link> / <span className="mono">{traceId.slice(0, 12)}…</span>
          </p>
          <h1 className="ellipsis">
            <UserText text={root.name} />
          </h1>
          <p className="muted small">
            {formatTime(root.startTime)} · {formatMs(tree.totalMs)} · {tree.rows.length} spans ·{' '}
            {state.data.spans.filter((s) => s.llm).length} LLM calls · {formatCost(cost)}
            {estimated ? <EstimatedMark /> : null}
            {typeof sessionId === 'string' ? (
              <>
                {' '}
                · session <SessionLink id={sessionId} />
              </>
            ) : null}
            {typeof userId === 'string' ? (
              <>
                {' '}
                · user <UserLink id={userId} />
              </>
            ) : null}
          </p>
        </div>
      </div>
      <div className="trace-layout">
        <div className="waterfall-box">
          <div className="wf-axis" aria-hidden="true">
            <span>Span</span>
            <span className="wf-axis-track">
              <span>0</span>
              <span>{formatMs(tree.totalMs / 2)}</span>
              <span>{formatMs(tree.totalMs)}</span>
            </span>
            <span className="num">Duration</span>
          </div>
          <Waterfall rows={tree.rows} totalMs={tree.totalMs} selectedId={selectedId} onSelect={setChosen} />
        </div>
        <SpanDetail key={selected.spanId} span={selected} />
      </div>
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
