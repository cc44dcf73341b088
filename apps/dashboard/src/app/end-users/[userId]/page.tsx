'use client';
import { Suspense } from 'react';
import { formatCost, formatCount, formatTime, formatTokens } from '../../../lib/format';
import { GROUP_PAGE, GroupPage } from '../../../components/groups/group-page';
import { groupTokens, type EndUserDetail } from '../../../components/groups/group-types';
import { SessionLink } from '../../../components/groups/id-links';
import { Pager } from '../../../components/groups/pager';
import { GroupTotals } from '../../../components/groups/totals';
import { Empty, Loading } from '../../../components/states';

export default function EndUserPage() {
  return (
    <Suspense fallback={<Loading />}>
      <EndUserView />
    </Suspense>
  );
}

/** One end user of the traced application: totals over 30 days and their sessions, most recent first. */
function EndUserView() {
  return (
    <GroupPage<EndUserDetail> kind="user" param="userId">
      {({ user, sessions }, { offset, onOffset }) => (
        <>
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
                        <th scope="col" className="hide-narrow">
                          Last seen
                        </th>
                        <th scope="col" className="num">
                          Traces
                        </th>
                        <th scope="col" className="num hide-narrow">
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
                          <td className="nowrap hide-narrow">{formatTime(s.lastSeen)}</td>
                          <td className="num">{formatCount(s.traceCount)}</td>
                          <td className="num hide-narrow">{formatCount(s.errorCount)}</td>
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
                  limit={GROUP_PAGE}
                  shown={sessions.items.length}
                  total={sessions.total}
                  totalCapped={sessions.totalCapped}
                  onOffset={onOffset}
                />
              </>
            )}
          </section>
        </>
      )}
    </GroupPage>
  );
}
