'use client';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { formatMs } from '../../lib/format';
import type { WaterfallRow } from './span-tree';
import { UserText } from '../user-text';
import { SPAN_KIND_LABEL, spanKindOf, type SpanKindName } from './span-kind';

const ROW_HEIGHT = 30;
const OVERSCAN = 10;

/**
 * All spans of a trace as nested rows with bars on a shared time axis. Only the rows in view are in the DOM
 * (fixed row height), so 5,000 spans scroll as smoothly as 5. Up/Down move the selection.
 */
export function Waterfall({
  rows,
  totalMs,
  selectedId,
  onSelect,
}: {
  rows: WaterfallRow[];
  totalMs: number;
  selectedId: string | null;
  onSelect: (spanId: string) => void;
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
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const next = Math.max(0, Math.min(rows.length - 1, selectedIndex + (event.key === 'ArrowDown' ? 1 : -1)));
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
      role="listbox"
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
          return (
            <div
              key={s.spanId}
              id={`span-${s.spanId}`}
              role="option"
              aria-selected={s.spanId === selectedId}
              aria-label={`${s.name}, ${formatMs(s.durationMs)}${s.status === 'error' ? ', error' : ''}`}
              className={`wf-row${s.spanId === selectedId ? ' selected' : ''}${s.status === 'error' ? ' error' : ''}`}
              style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
              onClick={() => onSelect(s.spanId)}
            >
              <span className="wf-name" style={{ paddingLeft: Math.min(row.depth, 20) * 14 + 6 }}>
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
              <span className="wf-dur num">{formatMs(s.durationMs)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function KindIcon({ kind }: { kind: SpanKindName }) {
  const { icon, label } = SPAN_KIND_LABEL[kind];
  return (
    <span className={`kind-icon kind-${kind}`} title={label} aria-hidden="true">
      {icon}
    </span>
  );
}
