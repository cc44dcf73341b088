'use client';
import Link from 'next/link';
import { EstimatedMark } from '../estimated-mark';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { TraceSummary } from '../../lib/api';
import { formatCost, formatMs, formatTime, formatTokens } from '../../lib/format';
import { SessionLink, UserLink } from '../groups/id-links';
import { UserText } from '../user-text';

export type SortField = 'startTime' | 'durationMs' | 'costUsd' | 'totalTokens';

const COLUMNS: Array<{ label: string; field?: SortField; num?: boolean }> = [
  { label: 'Started', field: 'startTime' },
  { label: 'Name' },
  { label: 'Models' },
  { label: 'Status' },
  { label: 'Duration', field: 'durationMs', num: true },
  { label: 'Tokens', field: 'totalTokens', num: true },
  { label: 'Cost', field: 'costUsd', num: true },
  { label: 'User' },
  { label: 'Session' },
];

/** Sortable traces table; j/k move the selection, Enter opens it (ignored while typing in a field). */
export function TracesTable({
  items,
  sort,
  order,
  busy,
  onSort,
}: {
  items: TraceSummary[];
  sort: SortField;
  order: 'asc' | 'desc';
  busy: boolean;
  onSort: (field: SortField) => void;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState(0);
  const rows = useRef<Array<HTMLTableRowElement | null>>([]);

  useEffect(() => setSelected(0), [items]);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (
        target?.closest('input, select, textarea, [contenteditable="true"]') ||
        event.metaKey ||
        event.ctrlKey
      )
        return;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        setSelected((s) => {
          const next = Math.max(0, Math.min(items.length - 1, s + (event.key === 'j' ? 1 : -1)));
          rows.current[next]?.scrollIntoView({ block: 'nearest' });
          rows.current[next]?.focus({ preventScroll: true });
          return next;
        });
      } else if (event.key === 'Enter' && items[selected] && !target?.closest('a, button')) {
        router.push(`/traces/${items[selected].traceId}`);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected, router]);

  return (
    <div className="table-scroll card" aria-busy={busy}>
      <table className="table traces-table" aria-label="Traces">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.label}
                scope="col"
                className={c.num ? 'num' : undefined}
                aria-sort={
                  c.field && c.field === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined
                }
              >
                {c.field ? (
                  <button type="button" className="sort" onClick={() => onSort(c.field!)}>
                    {c.label}
                    <span aria-hidden="true">{c.field === sort ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((t, i) => (
            <tr
              key={t.traceId}
              ref={(el) => {
                rows.current[i] = el;
              }}
              tabIndex={-1}
              aria-selected={i === selected}
              className={i === selected ? 'selected clickable' : 'clickable'}
              onClick={(event) => {
                // The whole row opens the trace; links inside it (user, session) keep their own target.
                if ((event.target as HTMLElement).closest('a, button')) return;
                setSelected(i);
                router.push(`/traces/${t.traceId}`);
              }}
            >
              <td className="nowrap">{formatTime(t.startTime)}</td>
              <td>
                <Link href={`/traces/${t.traceId}`} className="ellipsis trace-link">
                  <UserText text={t.name || t.traceId} />
                </Link>
              </td>
              <td className="ellipsis">{t.models.join(', ') || '—'}</td>
              <td>
                <span className={`badge ${t.status}`}>{t.status}</span>
              </td>
              <td className="num">{formatMs(t.durationMs)}</td>
              <td className="num">
                {t.llmCallCount > 0 ? formatTokens(t.inputTokens + t.outputTokens) : '—'}
                {t.usageEstimated ? <EstimatedMark /> : null}
              </td>
              <td className="num">{formatCost(t.costUsd)}</td>
              <td className="ellipsis">
                <UserLink id={t.userId} />
              </td>
              <td className="ellipsis">
                <SessionLink id={t.sessionId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
