'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useMemo } from 'react';
import { query, type TraceListPage } from '../../../lib/api';
import { formatCost, formatMs, formatTime } from '../../../lib/format';
import { useApi } from '../../../lib/use-api';
import { Empty, ErrorState, Loading } from '../../../components/states';

const SESSION_WINDOW_MS = 30 * 86_400_000;

/** Every trace of one session, oldest first: the conversation's turns in order. */
export default function SessionPage() {
  const { sessionId } = useParams<{ sessionId: string }>();
  const id = decodeURIComponent(sessionId);
  const path = useMemo(() => {
    const to = Date.now();
    return `/api/traces${query({ sessionId: id, from: to - SESSION_WINDOW_MS, to, sort: 'startTime', order: 'asc', limit: 500 })}`;
  }, [id]);
  const state = useApi<TraceListPage>(path);
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/traces">Traces</Link> / session
          </p>
          <h1 className="ellipsis">Session {id}</h1>
        </div>
      </div>
      {state.loading ? <Loading label="Loading session" /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && state.data.items.length === 0 ? (
        <Empty title="No traces in this session" hint="Sessions are searched over the last 30 days." />
      ) : null}
      {state.data && state.data.items.length > 0 ? (
        <ol className="timeline" aria-label="Traces of this session">
          {state.data.items.map((t, i) => (
            <li key={t.traceId} className="card">
              <span className="turn">#{i + 1}</span>
              <Link href={`/traces/${t.traceId}`} className="ellipsis">
                {t.name || t.traceId}
              </Link>
              <span className="muted small">{formatTime(t.startTime)}</span>
              <span className="muted small">{t.models.join(', ')}</span>
              <span className={`badge ${t.status}`}>{t.status}</span>
              <span className="num">{formatMs(t.durationMs)}</span>
              <span className="num">{formatCost(t.costUsd)}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
