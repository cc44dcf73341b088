'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState } from 'react';
import { query, type TopicLabels, type TraceCount, type TraceListPage } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { rangeMs } from '../overview/time-range';
import { AddToQueue } from '../review/add-to-queue';
import { useSession } from '../shell/session-context';
import { ErrorState, Empty, Loading } from '../states';
import { FILTER_KEYS, TraceFilters } from './trace-filters';
import { TracesTable, type SortField } from './traces-table';

/** The traces page: everything it shows is derived from the URL, so a view is a shareable link. */
export function TracesView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const get = (key: string) => params.get(key) ?? '';
  const filters = Object.fromEntries(FILTER_KEYS.map((k) => [k, get(k)]));
  const sort = (get('sort') || 'startTime') as SortField;
  const order = get('order') === 'asc' ? 'asc' : 'desc';
  const cursor = get('cursor');

  const { path, countPath } = useMemo(() => {
    const toMs = params.get('to') ? Number(params.get('to')) : Date.now();
    const fromMs = params.get('from') ? Number(params.get('from')) : toMs - rangeMs(params.get('range'));
    const { range: _range, ...rest } = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k)]));
    return {
      path: `/api/traces${query({ ...rest, from: fromMs, to: toMs, sort, order, cursor: params.get('cursor'), limit: 50 })}`,
      countPath: `/api/traces/count${query({ ...rest, from: fromMs, to: toMs })}`,
    };
  }, [params, sort, order]);
  const state = useApi<TraceListPage>(path);
  // The total for the filters, asked each time the rows are in: the store runs queries one after another, so a
  // count asked alongside would hold the rows back (bench/dashboard measured it).
  const count = useApi<TraceCount>(state.data && !state.loading ? countPath : null);
  // Labels for the topic filter and column (the latest fit's topics; empty before the first fit). Labels only:
  // /api/topics computes the window's activity and feedback per topic (2 s of CPU at 10M spans, bench/scale).
  const topicLabels = useApi<TopicLabels>('/api/topics/labels');
  const topics = useMemo(() => topicLabels.data?.topics ?? [], [topicLabels.data]);
  const { me } = useSession();
  const [selected, setSelected] = useState<string | null>(null);
  const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());
  const toggleMark = useCallback(
    (traceId: string) =>
      setMarked((m) => {
        const next = new Set(m);
        if (!next.delete(traceId)) next.add(traceId);
        return next;
      }),
    [],
  );

  function navigate(next: Record<string, string | undefined>, push = true) {
    const merged = { ...Object.fromEntries(params.entries()), ...next };
    const search = query(merged);
    if (push) router.push(`${pathname}${search}`);
    else router.replace(`${pathname}${search}`);
  }

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Traces</h1>
        <p className="muted small hide-narrow">
          Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>x</kbd> marks, <kbd>Enter</kbd> opens
        </p>
      </div>
      {me.role !== 'viewer' && state.data && state.data.items.length > 0 ? (
        <AddToQueue traceIds={marked.size > 0 ? [...marked] : selected ? [selected] : []} compact />
      ) : null}
      <TraceFilters
        topics={topics}
        values={filters}
        onApply={(next) => {
          const keep = { sort: get('sort'), order: get('order') };
          router.push(`${pathname}${query({ ...keep, ...next })}`);
        }}
      />
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.loading && !state.data ? <Loading label="Loading traces" /> : null}
      {state.data && state.data.items.length === 0 ? (
        <Empty title="No traces match" hint="Widen the time range or clear some filters." />
      ) : null}
      {state.data && state.data.items.length > 0 ? (
        <>
          <TracesTable
            items={state.data.items}
            topics={topics}
            sort={sort}
            order={order}
            busy={state.loading}
            marked={marked}
            onMark={toggleMark}
            onSelected={setSelected}
            onSort={(field) =>
              navigate(
                {
                  sort: field,
                  order: field === sort && order === 'desc' ? 'asc' : 'desc',
                  cursor: undefined,
                  back: undefined,
                },
                false,
              )
            }
          />
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="button"
              disabled={!cursor}
              onClick={() => navigate({ cursor: undefined, back: undefined })}
            >
              First page
            </button>
            <button
              type="button"
              className="button"
              disabled={!cursor || state.loading}
              onClick={() => {
                // `back` holds the cursors of the pages before this one (the first page has none).
                const trail = get('back') ? get('back').split('.') : [];
                const previous = trail.pop();
                navigate({
                  cursor: previous && previous !== FIRST ? previous : undefined,
                  back: trail.join('.') || undefined,
                });
              }}
            >
              Previous page
            </button>
            <span className="muted small" aria-live="polite">
              {pageLabel(
                get('back'),
                cursor,
                state.data.items.length,
                state.loading || count.loading ? null : count.data,
              )}
            </span>
            <button
              type="button"
              className="button"
              disabled={!state.data.nextCursor || state.loading}
              onClick={() => {
                const trail = get('back') ? get('back').split('.') : [];
                trail.push(cursor || FIRST);
                navigate({ cursor: state.data?.nextCursor ?? undefined, back: trail.join('.') });
              }}
            >
              Next page
            </button>
          </nav>
        </>
      ) : null}
    </div>
  );
}

const PAGE_SIZE = 50;

/** In `back`, the first page (which has no cursor). */
const FIRST = '~';

/**
 * "Traces 51–100 of 1,234" ("of more than 10,000" past the count's cap; the range alone while it is counted).
 * The page's position comes from the `back` trail of cursors (the API pages by cursor).
 */
function pageLabel(back: string, cursor: string, shown: number, count: TraceCount | null): string {
  const page = cursor && back ? back.split('.').length : 0;
  const first = page * PAGE_SIZE + 1;
  const of = count ? ` of ${count.totalCapped ? 'more than ' : ''}${formatCount(count.total)}` : '';
  return `Traces ${formatCount(first)}–${formatCount(first + shown - 1)}${of}`;
}
