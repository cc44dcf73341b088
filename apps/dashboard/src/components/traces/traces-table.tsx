'use client';
import Link from 'next/link';
import { EstimatedMark } from '../estimated-mark';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { TraceSummary } from '../../lib/api';
import { formatCost, formatMs, formatTime, formatTokens } from '../../lib/format';
import { topicColor } from '../topics/topic-colors';
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
  { label: 'Feedback' },
  { label: 'User' },
  { label: 'Session' },
  { label: 'Topic' },
];

/** Negative, judged and positive, or only comments and scores (the count); '—' without feedback. Words, not
 * emoji: not every system has an emoji font. */
function feedbackCell(t: TraceSummary) {
  if (t.feedbackCount === 0) return '—';
  const mark = t.negativeFeedback === true ? 'negative' : t.negativeFeedback === false ? 'positive' : 'noted';
  return (
    <span className={`badge feedback-${mark}`} title={`${t.feedbackCount} feedback item(s): ${mark}`}>
      {mark} · {t.feedbackCount}
    </span>
  );
}

/** Sortable traces table; j/k move the selection, Enter opens it (ignored while typing in a field). */
export function TracesTable({
  items,
  sort,
  order,
  busy,
  onSort,
  topics = [],
  marked,
  onMark,
  onSelected,
}: {
  items: TraceSummary[];
  topics?: { id: string; label: string }[];
  sort: SortField;
  order: 'asc' | 'desc';
  busy: boolean;
  onSort: (field: SortField) => void;
  /** Traces marked with `x` (e.g. to add them to a review queue together). */
  marked?: ReadonlySet<string>;
  onMark?: (traceId: string) => void;
  onSelected?: (traceId: string) => void;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState(0);
  const rows = useRef<Array<HTMLTableRowElement | null>>([]);
  const topicLabels = new Map(topics.map((t) => [t.id, t.label]));

  useEffect(() => setSelected(0), [items]);
  const selectedId = items[selected]?.traceId;
  useEffect(() => {
    if (selectedId) onSelected?.(selectedId);
  }, [selectedId, onSelected]);
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
      } else if (event.key === 'x' && items[selected] && onMark) {
        event.preventDefault();
        onMark(items[selected].traceId);
      } else if (event.key === 'Enter' && items[selected] && !target?.closest('a, button')) {
        router.push(`/traces/${items[selected].traceId}`);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected, router, onMark]);

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
              <td className="nowrap">
                {marked?.has(t.traceId) ? (
                  <span className="badge ok" title="marked (x)">
                    ✓<span className="visually-hidden"> marked</span>
                  </span>
                ) : null}{' '}
                {formatTime(t.startTime)}
              </td>
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
              <td className="nowrap">{feedbackCell(t)}</td>
              <td className="ellipsis">
                <UserLink id={t.userId} />
              </td>
              <td className="ellipsis">
                <SessionLink id={t.sessionId} />
              </td>
              <td className="ellipsis">
                {t.topicId ? (
                  <Link href={`/topics/${t.topicId}`} className="topic-chip">
                    <i style={{ background: topicColor(t.topicId) }} aria-hidden="true" />
                    {topicLabels.get(t.topicId) ?? t.topicId}
                  </Link>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
