'use client';
import Link from 'next/link';
import { Suspense } from 'react';
import { formatCost, formatMs, formatTime, formatTokens, sumKnown } from '../../../lib/format';
import { GROUP_PAGE, GroupPage } from '../../../components/groups/group-page';
import type { SessionDetail } from '../../../components/groups/group-types';
import { UserLink } from '../../../components/groups/id-links';
import { Pager } from '../../../components/groups/pager';
import { GroupTotals } from '../../../components/groups/totals';
import { Loading } from '../../../components/states';
import { UserText } from '../../../components/user-text';

export default function SessionPage() {
  return (
    <Suspense fallback={<Loading />}>
      <SessionView />
    </Suspense>
  );
}

/** One session as the conversation it was: its turns oldest first, each the user's message and the reply. */
function SessionView() {
  return (
    <GroupPage<SessionDetail> kind="session" param="sessionId">
      {({ session, turns, turnTotal }, { offset, onOffset }) => (
        <>
          <GroupTotals totals={session} />
          {session.userIds.length ? (
            <p className="muted small">
              Users:{' '}
              {session.userIds.map((u, i) => (
                <span key={u}>
                  {i ? ', ' : ''}
                  <UserLink id={u} />
                </span>
              ))}
            </p>
          ) : null}
          <ol className="conversation" aria-label="Conversation" start={offset + 1}>
            {turns.map((t, i) => (
              <li key={t.traceId} className="card turn-card">
                <div className="turn-meta">
                  <span className="turn">#{offset + i + 1}</span>
                  <Link href={`/traces/${t.traceId}`} className="ellipsis">
                    <UserText text={t.name || t.traceId} />
                  </Link>
                  <span className="muted small nowrap">{formatTime(t.startTime)}</span>
                  <span className={`badge ${t.status}`}>{t.status}</span>
                  <span className="muted small">{t.models.join(', ') || '—'}</span>
                  <span className="num small">{formatMs(t.durationMs)}</span>
                  <span className="num small">
                    {formatTokens(sumKnown(t.inputTokens, t.outputTokens))} tokens
                  </span>
                  <span className="num small">{formatCost(t.costUsd)}</span>
                </div>
                {t.userText ? (
                  <div className="bubble role-user">
                    <div className="bubble-head">
                      <span className="role">user</span>
                    </div>
                    <p className="bubble-body turn-text">
                      <UserText text={t.userText} />
                    </p>
                  </div>
                ) : null}
                {t.assistantText ? (
                  <div className="bubble role-assistant">
                    <div className="bubble-head">
                      <span className="role">assistant</span>
                    </div>
                    <p className="bubble-body turn-text">
                      <UserText text={t.assistantText} />
                    </p>
                  </div>
                ) : null}
                {!t.userText && !t.assistantText ? (
                  <p className="muted small">No message text on this trace; open it for its spans.</p>
                ) : null}
              </li>
            ))}
          </ol>
          <Pager
            label="Turns"
            offset={offset}
            limit={GROUP_PAGE}
            shown={turns.length}
            total={turnTotal}
            totalCapped={false}
            onOffset={onOffset}
          />
        </>
      )}
    </GroupPage>
  );
}
