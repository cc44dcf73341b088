'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { type FormEvent, type ReactNode, useMemo } from 'react';
import { query } from '../../lib/api';
import { formatCost, formatCount, formatMs, formatTime, formatTokens } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { RANGES, rangeMs } from '../overview/time-range';
import { Empty, ErrorState, Loading } from '../states';
import { SessionLink, UserLink } from './id-links';
import {
  groupTokens,
  type EndUserList,
  type EndUserSummary,
  type GroupSort,
  type SessionList,
  type SessionSummary,
} from './group-types';
import { Pager } from './pager';

const PAGE = 50;
const DEFAULT_RANGE = '7d';

type Kind = 'sessions' | 'users';
type Row = SessionSummary | EndUserSummary;

interface Column {
  label: string;
  sort?: GroupSort;
  num?: boolean;
  /** Left out on phones, so the id, counts, tokens and cost fit without scrolling sideways. */
  wide?: boolean;
  cell: (row: Row) => ReactNode;
}

const cellClass = (c: Column, base: string) => `${base}${c.wide ? ' hide-narrow' : ''}` || undefined;

const errorsCell = (r: Row) =>
  r.errorCount > 0 ? <span className="badge error">{formatCount(r.errorCount)}</span> : '0';

const TOTAL_COLUMNS: Column[] = [
  { label: 'Last seen', sort: 'lastSeen', wide: true, cell: (r) => formatTime(r.lastSeen) },
  { label: 'Traces', sort: 'traceCount', num: true, cell: (r) => formatCount(r.traceCount) },
  { label: 'Errors', sort: 'errorCount', num: true, wide: true, cell: errorsCell },
  { label: 'Tokens', sort: 'totalTokens', num: true, cell: (r) => formatTokens(groupTokens(r)) },
  { label: 'Cost', sort: 'costUsd', num: true, cell: (r) => formatCost(r.costUsd) },
  { label: 'Duration', sort: 'durationMs', num: true, wide: true, cell: (r) => formatMs(r.durationMs) },
];

const KINDS: Record<
  Kind,
  { title: string; api: string; idLabel: string; columns: Column[]; key: (r: Row) => string }
> = {
  sessions: {
    title: 'Sessions',
    api: '/api/sessions',
    idLabel: 'Session id contains',
    key: (r) => (r as SessionSummary).sessionId,
    columns: [
      {
        label: 'Session',
        cell: (r) => <SessionLink id={(r as SessionSummary).sessionId} className="row-link" />,
      },
      {
        label: 'Users',
        cell: (r) => (
          <span className="id-list">
            {(r as SessionSummary).userIds.map((u) => (
              <UserLink key={u} id={u} />
            ))}
            {(r as SessionSummary).userIds.length === 0 ? <span className="muted">—</span> : null}
          </span>
        ),
      },
      ...TOTAL_COLUMNS,
    ],
  },
  users: {
    title: 'Users',
    api: '/api/end-users',
    idLabel: 'User id contains',
    key: (r) => (r as EndUserSummary).userId,
    columns: [
      { label: 'User', cell: (r) => <UserLink id={(r as EndUserSummary).userId} className="row-link" /> },
      { label: 'First seen', sort: 'firstSeen', wide: true, cell: (r) => formatTime(r.firstSeen) },
      { label: 'Sessions', num: true, cell: (r) => formatCount((r as EndUserSummary).sessionCount) },
      ...TOTAL_COLUMNS,
    ],
  },
};

/** Sessions or end users with their totals; filters, sort and page live in the URL (a view is a link). */
export function GroupListView({ kind }: { kind: Kind }) {
  const config = KINDS[kind];
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const get = (key: string) => params.get(key) ?? '';
  const sort = (get('sort') || 'lastSeen') as GroupSort;
  const order = get('order') === 'asc' ? 'asc' : 'desc';
  const offset = Math.max(0, Number(get('offset')) || 0);
  const range = get('range') || DEFAULT_RANGE;

  const path = useMemo(() => {
    const to = Date.now();
    return `${config.api}${query({
      from: to - rangeMs(range),
      to,
      search: params.get('search'),
      userId: kind === 'sessions' ? params.get('userId') : null,
      hasErrors: params.get('errors') === '1' ? 'true' : null,
      sort,
      order,
      limit: PAGE,
      offset: offset || null,
    })}`;
  }, [config.api, kind, params, range, sort, order, offset]);
  const state = useApi<SessionList | EndUserList>(path);

  function navigate(next: Record<string, string | undefined>) {
    router.push(`${pathname}${query({ ...Object.fromEntries(params.entries()), ...next })}`);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    navigate({
      search: text('search'),
      userId: kind === 'sessions' ? text('userId') : undefined,
      range: text('range'),
      errors: form.get('errors') ? '1' : undefined,
      offset: undefined,
    });
  }

  const items: Row[] = state.data?.items ?? [];
  return (
    <div className="stack">
      <div className="page-head">
        <h1>{config.title}</h1>
      </div>
      <form
        className="filters card"
        onSubmit={submit}
        key={params.toString()}
        aria-label={`${config.title} filters`}
      >
        <label className="field">
          <span>{config.idLabel}</span>
          <input name="search" type="search" defaultValue={get('search')} />
        </label>
        {kind === 'sessions' ? (
          <label className="field">
            <span>User id</span>
            <input name="userId" defaultValue={get('userId')} />
          </label>
        ) : null}
        <label className="field">
          <span>Time range</span>
          <select name="range" defaultValue={range}>
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="errors" defaultChecked={get('errors') === '1'} /> With errors only
        </label>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Apply
          </button>
        </div>
      </form>
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.loading && !state.data ? <Loading label={`Loading ${config.title.toLowerCase()}`} /> : null}
      {state.data && items.length === 0 && offset === 0 ? (
        <Empty
          title={`No ${config.title.toLowerCase()} match`}
          hint={
            kind === 'sessions'
              ? 'Sessions come from the session.id attribute of traces. Widen the time range or clear filters.'
              : 'Users come from the user.id attribute of traces. Widen the time range or clear filters.'
          }
        />
      ) : null}
      {state.data && (items.length > 0 || offset > 0) ? (
        <>
          <div className="table-scroll card" aria-busy={state.loading}>
            <table className="table group-table" aria-label={config.title}>
              <thead>
                <tr>
                  {config.columns.map((c) => (
                    <th
                      key={c.label}
                      scope="col"
                      className={cellClass(c, c.num ? 'num' : '')}
                      aria-sort={
                        c.sort && c.sort === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined
                      }
                    >
                      {c.sort ? (
                        <button
                          type="button"
                          className="sort"
                          onClick={() =>
                            navigate({
                              sort: c.sort,
                              order: c.sort === sort && order === 'desc' ? 'asc' : 'desc',
                              offset: undefined,
                            })
                          }
                        >
                          {c.label}
                          <span aria-hidden="true">
                            {c.sort === sort ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
                          </span>
                        </button>
                      ) : (
                        c.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((row) => (
                  <tr
                    key={config.key(row)}
                    className="clickable"
                    onClick={(event) => {
                      // The whole row opens the item; links inside (other ids) keep their own target.
                      if ((event.target as HTMLElement).closest('a, button')) return;
                      const id = encodeURIComponent(config.key(row));
                      router.push(kind === 'sessions' ? `/sessions/${id}` : `/end-users/${id}`);
                    }}
                  >
                    {config.columns.map((c) => (
                      <td key={c.label} className={cellClass(c, c.num ? 'num' : 'ellipsis')}>
                        {c.cell(row)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            offset={offset}
            limit={PAGE}
            shown={items.length}
            total={state.data.total}
            totalCapped={state.data.totalCapped}
            onOffset={(next) => navigate({ offset: next ? String(next) : undefined })}
          />
        </>
      ) : null}
    </div>
  );
}
