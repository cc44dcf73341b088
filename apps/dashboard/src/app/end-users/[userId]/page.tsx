'use client';
import Link from 'next/link';
import { useParams, usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { query } from '../../../lib/api';
import { formatCost, formatCount, formatTime, formatTokens } from '../../../lib/format';
import { useApi } from '../../../lib/use-api';
import { groupTokens, type EndUserDetail } from '../../../components/groups/group-types';
import { SessionLink } from '../../../components/groups/id-links';
import { Pager } from '../../../components/groups/pager';
import { GroupTotals } from '../../../components/groups/totals';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { UserText } from '../../../components/user-text';

const PAGE = 50;

export default function EndUserPage() {
  return (
    <Suspense fallback={<Loading />}>
      <EndUserView />
    </Suspense>
  );
}

/** One end user of the traced application: totals over 30 days and their sessions, most recent first. */
function EndUserView() {
  const { userId } = useParams<{ userId: string }>();
  const id = decodeURIComponent(userId);
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const state = useApi<EndUserDetail>(
    `/api/end-users/${encodeURIComponent(id)}${query({ limit: PAGE, offset: offset || null })}`,
  );
  const head = (
    <div className="page-head">
      <div>
        <p className="crumbs">
          <Link href="/end-users">Users</Link> / user
        </p>
        <h1 className="ellipsis">
          User <UserText text={id} />
        </h1>
      </div>
      <Link className="button" href={`/traces${query({ userId: id, range: '30d' })}`}>
        Traces of this user
      </Link>
    </div>
  );
  if (state.loading && !state.data)
    return (
      <div className="stack">
        {head}
        <Loading label="Loading user" />
      </div>
    );
  if (state.error || !state.data)
    return (
      <div className="stack">
        {head}
        {state.error ? (
          <ErrorState
            error={state.error}
            notFoundHint="No traces carry this user id in the last 30 days of this project."
            onRetry={state.reload}
          />
        ) : null}
      </div>
    );
  const { user, sessions } = state.data;
  return (
    <div className="stack">
      {head}
      <GroupTotals totals={user} extra={[['Sessions', formatCount(user.sessionCount)]]} />
      <section className="stack" aria-label="Sessions of this user">
        <h2>Sessions</h2>
        {sessions.items.length === 0 && offset === 0 ? (
          <Empty title="No sessions" hint="This user's traces carry no session id." />
        ) : (
          <>
            <div className="table-scroll card">
              <table className="table group-table" aria-label="Sessions of this user">
                <thead>
                  <tr>
                    <th scope="col">Session</th>
                    <th scope="col">Last seen</th>
                    <th scope="col" className="num">
                      Traces
                    </th>
                    <th scope="col" className="num">
                      Errors
                    </th>
                    <th scope="col" className="num">
                      Tokens
                    </th>
                    <th scope="col" className="num">
                      Cost
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {sessions.items.map((s) => (
                    <tr key={s.sessionId}>
                      <td className="ellipsis">
                        <SessionLink id={s.sessionId} />
                      </td>
                      <td className="nowrap">{formatTime(s.lastSeen)}</td>
                      <td className="num">{formatCount(s.traceCount)}</td>
                      <td className="num">{formatCount(s.errorCount)}</td>
                      <td className="num">{formatTokens(groupTokens(s))}</td>
                      <td className="num">{formatCost(s.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              label="Session pages"
              offset={offset}
              limit={PAGE}
              shown={sessions.items.length}
              total={sessions.total}
              totalCapped={sessions.totalCapped}
              onOffset={(next) => router.push(`${pathname}${query({ offset: next || null })}`)}
            />
          </>
        )}
      </section>
    </div>
  );
}
