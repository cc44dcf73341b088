'use client';
import './problems.css';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { query } from '../../lib/api';
import { formatTime } from '../../lib/format';
import { kindLabel, PROBLEM_KINDS, PROBLEM_STATUSES, sliceText, type ProblemList } from '../../lib/problems';
import { useApi } from '../../lib/use-api';
import { Sparkline } from '../topics/sparkline';
import { Empty, ErrorState, Loading } from '../states';
import { SeverityBadge, StatusBadge } from './badges';

/** Problems the detectors opened, ranked by severity (or newest first); status, kind and sort live in the URL. */
export function ProblemsList() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const status = params.get('status') ?? 'open,acknowledged';
  const kind = params.get('kind') ?? '';
  const sort = params.get('sort') === 'time' ? 'time' : 'severity';
  const cursor = params.get('cursor');
  const list = useApi<ProblemList>(`/api/problems${query({ status, kind, sort, cursor, limit: 50 })}`);

  const go = (next: Record<string, string | null>) => {
    const merged: Record<string, string | null> = { status, kind, sort, ...next };
    if (!('cursor' in next)) merged.cursor = null;
    router.replace(`${pathname}${query(merged)}`);
  };

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Problems</h1>
          <p className="muted small">Regressions and shifts the detectors found, most severe first.</p>
        </div>
      </div>
      <form
        className="card problem-filters"
        aria-label="Problem filters"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="inline-field">
          <span>Status</span>
          <select value={status} onChange={(e) => go({ status: e.target.value })}>
            <option value="open,acknowledged">open or acknowledged</option>
            {PROBLEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="open,acknowledged,resolved">all</option>
          </select>
        </label>
        <label className="inline-field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => go({ kind: e.target.value })}>
            <option value="">all kinds</option>
            {PROBLEM_KINDS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="group" aria-label="Sort">
          {(['severity', 'time'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className="button small"
              aria-pressed={sort === s}
              onClick={() => go({ sort: s })}
            >
              {s === 'severity' ? 'By severity' : 'Newest first'}
            </button>
          ))}
        </div>
      </form>
      {list.loading && !list.data ? <Loading label="Loading problems" /> : null}
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.data && list.data.items.length === 0 ? (
        <Empty
          title="No problems match"
          hint="Detectors run every window over the project's traces; a regression shows up here once it is significant."
        />
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <ul className="problem-list" aria-label="Problems">
          {list.data.items.map((p) => (
            <li key={p.id} className="card problem-row">
              <div className="problem-badges">
                <SeverityBadge severity={p.severity} />
                <StatusBadge status={p.status} />
                <span className="badge">{kindLabel(p.kind)}</span>
              </div>
              <div className="problem-main">
                <Link href={`/problems/${p.id}`} className="problem-title">
                  {p.title}
                </Link>
                <span className="muted small">
                  <span className="mono">{sliceText(p)}</span> · opened {formatTime(p.openedAt)}
                </span>
              </div>
              <Sparkline
                values={(p.evidence.series ?? []).map((s) => s.value)}
                color="var(--danger)"
                label={`${kindLabel(p.kind)} per window`}
              />
            </li>
          ))}
        </ul>
      ) : null}
      {list.data?.nextCursor ? (
        <button type="button" className="button" onClick={() => go({ cursor: list.data!.nextCursor })}>
          Next page
        </button>
      ) : null}
    </div>
  );
}
