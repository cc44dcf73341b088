'use client';
import Link from 'next/link';
import type { TraceListPage } from '../../lib/api';
import { formatCost, formatMs, formatTime } from '../../lib/format';
import type { ApiState } from '../../lib/use-api';
import { Empty, ErrorState, Loading } from '../states';
import { UserText } from '../user-text';

export function TraceShortList({
  title,
  state,
  metric,
}: {
  title: string;
  state: ApiState<TraceListPage>;
  metric: 'duration' | 'cost';
}) {
  const items = state.data?.items ?? [];
  return (
    <section className="card panel" aria-label={title}>
      <h2>{title}</h2>
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && items.length === 0 ? <Empty title="No traces in this range" /> : null}
      <ol className="short-list">
        {items.map((t) => (
          <li key={t.traceId}>
            <Link href={`/traces/${t.traceId}`}>
              <span className="ellipsis">
                <UserText text={t.name || t.traceId} />
              </span>
              <span className="muted small">{formatTime(t.startTime)}</span>
              <strong className="num">
                {metric === 'duration' ? formatMs(t.durationMs) : formatCost(t.costUsd)}
              </strong>
            </Link>
          </li>
        ))}
      </ol>
    </section>
  );
}
