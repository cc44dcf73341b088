'use client';
import Link from 'next/link';
import { ApiError, type SimilarCalls as SimilarCallsData } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { Loading } from '../states';

/**
 * The project's calls nearest to this LLM call's request (GET /api/traces/{id}/similar). Where embeddings are off
 * or the call's text cannot be compared the panel says so instead of failing the page.
 */
export function SimilarCalls({ traceId, spanId }: { traceId: string; spanId: string }) {
  const state = useApi<SimilarCallsData>(
    `/api/traces/${encodeURIComponent(traceId)}/similar?spanId=${encodeURIComponent(spanId)}&field=request&k=8`,
  );
  const others = (state.data?.matches ?? []).filter((m) => m.spanId !== spanId);
  return (
    <section className="card panel" aria-labelledby="similar-title">
      <div className="panel-head">
        <h2 id="similar-title">Similar calls</h2>
        <span className="muted small">nearest requests of this project</span>
      </div>
      {state.loading ? <Loading label="Finding similar calls" /> : null}
      {state.error ? (
        <p className="muted small">
          {state.error instanceof ApiError && [404, 422, 503].includes(state.error.status)
            ? state.error.message
            : `Similar calls could not be loaded: ${state.error.message}`}
        </p>
      ) : null}
      {state.data && others.length === 0 ? <p className="muted small">No other call is stored yet.</p> : null}
      {others.length > 0 ? (
        <ul className="short-list" aria-label="Similar calls">
          {others.map((m) => (
            <li key={`${m.spanId}-${m.field}`}>
              <Link href={`/traces/${m.traceId}`}>
                <span className="mono">{m.traceId.slice(0, 12)}…</span>
                <span className="muted small">
                  {(1 - m.distance).toFixed(2)} similar · {m.model} · {formatTime(m.time)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
