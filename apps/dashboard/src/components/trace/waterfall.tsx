'use client';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { formatCost, formatMs, formatTokens } from '../../lib/format';
import type { SubtreeUsage, WaterfallRow } from './span-tree';
import { UserText } from '../user-text';
import { SPAN_KIND_LABEL, spanKindOf, type SpanKindName } from './span-kind';

const ROW_HEIGHT = 30;
/** Kinds whose spans are model calls (or wrap them), so a row without counted usage shows "—". */
const MODEL_KINDS = new Set<SpanKindName>(['llm', 'agent', 'embedding']);
const OVERSCAN = 10;

/**
 * All spans of a trace as a tree of rows with bars on a shared time axis. Only the rows in view are in the DOM
 * (fixed row height), so 5,000 spans scroll as smoothly as 5. Up/Down move the selection; Left folds the
 * selected span's subtree (or goes to its parent), Right unfolds it (or goes to its first child).
 */
export function Waterfall({
  rows,
  totalMs,
  selectedId,
  onSelect,
  collapsed,
  onToggle,
}: {
  /** The rows in view (folded subtrees left out). */
  rows: WaterfallRow[];
  totalMs: number;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
  collapsed: ReadonlySet<string>;
  onToggle: (spanId: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const selectedIndex = rows.findIndex((r) => r.span.spanId === selectedId);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const current = rows[selectedIndex];
    let next: number;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp')
      next = Math.max(0, Math.min(rows.length - 1, selectedIndex + (event.key === 'ArrowDown' ? 1 : -1)));
    else if (event.key === 'ArrowLeft' && current) {
      event.preventDefault();
      if (current.hasChildren && !collapsed.has(current.span.spanId)) return onToggle(current.span.spanId);
      next = rows.findIndex((r) => r.span.spanId === current.span.parentSpanId);
      if (next < 0) return;
    } else if (event.key === 'ArrowRight' && current?.hasChildren) {
      event.preventDefault();
      if (collapsed.has(current.span.spanId)) return onToggle(current.span.spanId);
      next = selectedIndex + 1;
    } else return;
    event.preventDefault();
    const row = rows[next];
    if (!row) return;
    onSelect(row.span.spanId);
    const element = box.current;
    if (element) {
      const top = next * ROW_HEIGHT;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight)
        element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    }
  }

  return (
    <div
      ref={box}
      className="waterfall"
      role="tree"
      aria-label={`Spans (${rows.length})`}
      aria-activedescendant={selectedId ? `span-${selectedId}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      // A short trace gets a short box; a long one scrolls inside the viewport's height.
      style={{ height: `min(calc(100vh - 200px), ${rows.length * ROW_HEIGHT + 2}px)` }}
    >
      <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
        {rows.slice(first, last).map((row, i) => {
          const index = first + i;
          const left = (row.offsetMs / totalMs) * 100;
          const width = Math.max((row.span.durationMs / totalMs) * 100, 0.3);
          const s = row.span;
          const folded = collapsed.has(s.spanId);
          const usage = usageText(row.usage, s);
          return (
            <div
              key={s.spanId}
              id={`span-${s.spanId}`}
              role="treeitem"
              aria-level={row.depth + 1}
              aria-expanded={row.hasChildren ? !folded : undefined}
              aria-selected={s.spanId === selectedId}
              aria-label={`${s.name}, ${formatMs(s.durationMs)}${usage ? `, ${usage.label}` : ''}${s.status === 'error' ? ', error' : ''}`}
              className={`wf-row${s.spanId === selectedId ? ' selected' : ''}${s.status === 'error' ? ' error' : ''}`}
              style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
              onClick={() => onSelect(s.spanId)}
            >
              <span className="wf-name" style={{ paddingLeft: Math.min(row.depth, 20) * 12 + 2 }}>
                {row.hasChildren ? (
                  <button
                    type="button"
                    className="wf-toggle"
                    tabIndex={-1}
                    aria-label={`${folded ? 'Expand' : 'Collapse'} ${s.name}`}
                    title={folded ? 'Show the spans below' : 'Hide the spans below'}
                    onClick={(event) => {
                      event.stopPropagation();
                      onToggle(s.spanId);
                    }}
                  >
                    {folded ? '▸' : '▾'}
                  </button>
                ) : (
                  <span className="wf-toggle" aria-hidden="true" />
                )}
                <KindIcon kind={spanKindOf(s)} />
                <span className="ellipsis">
                  <UserText text={s.name} />
                </span>
              </span>
              <span className="wf-track">
                <span
                  className={`wf-bar kind-${spanKindOf(s)}`}
                  style={{ left: `${Math.min(left, 99.7)}%`, width: `${width}%` }}
                />
              </span>
              <span
                className={`wf-usage num${usage?.rolledUp ? ' rolled-up' : ''}`}
                title={usage?.title}
                data-cost={usage?.cost}
              >
                {usage ? (
                  <>
                    <span>{usage.cost}</span>
                    <span>{usage.tokens}</span>
                  </>
                ) : null}
              </span>
              <span className="wf-dur num">{formatMs(s.durationMs)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * A row's tokens and cost: a counted model call's own, a parent's summed over the counted calls below it
 * (marked Σ), "—" for a model span that is not counted and has none below; nothing for other spans.
 */
function usageText(usage: SubtreeUsage, span: WaterfallRow['span']) {
  // A tool or retrieval span may carry GenAI attributes, but it is not a model call: no figures (not "—").
  const modelSpan = span.llm !== null && MODEL_KINDS.has(spanKindOf(span));
  if (usage.calls === 0 && !modelSpan) return null;
  const est = usage.estimated ? ' est.' : '';
  const tokens = formatTokens(usage.tokens);
  const cost = formatCost(usage.costUsd);
  const rolledUp = usage.calls > 0 && !span.llm?.usageCounted;
  const calls = `${usage.calls} model ${usage.calls === 1 ? 'call' : 'calls'}`;
  return {
    rolledUp,
    tokens: `${tokens} tok${est}`,
    cost: rolledUp ? `Σ ${cost}` : cost,
    label: `${rolledUp ? `${calls} below: ` : ''}${cost}, ${tokens} tokens${est}`,
    title:
      usage.calls === 0
        ? 'Not in the trace totals (a wrapper or agent span; its calls are counted where they are made)'
        : rolledUp
          ? `Sum of the ${calls} in this subtree (each call counted once)`
          : undefined,
  };
}

function KindIcon({ kind }: { kind: SpanKindName }) {
  const { icon, label } = SPAN_KIND_LABEL[kind];
  return (
    <span className={`kind-icon kind-${kind}`} title={label} aria-hidden="true">
      {icon}
    </span>
  );
}
