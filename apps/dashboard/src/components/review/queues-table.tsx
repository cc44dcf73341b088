'use client';
import '../review/review.css';
import Link from 'next/link';
import { api } from '../../lib/api';
import { kappaText, queuePath, ruleText, type QueueAgreement, type QueueView } from '../../lib/review';
import { useApi, type ApiState } from '../../lib/use-api';
import { useAction } from '../../lib/use-action';
import { FormError, ItemsTable } from '../list-states';

/** The project's queues with progress and agreement; members review and run a queue's rule. */
export function QueuesTable({
  state,
  canReview,
}: {
  state: ApiState<{ items: QueueView[] }>;
  canReview: boolean;
}) {
  const { error, act } = useAction(state.reload);
  return (
    <section className="card panel" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <FormError error={error} />
      <ItemsTable
        state={state}
        label="Review queues"
        emptyTitle="No review queues"
        emptyHint="An admin creates a queue; add traces to it from the traces list or a trace page."
        head={
          <>
            <th scope="col">Queue</th>
            <th scope="col">Filled</th>
            <th scope="col">Progress</th>
            <th scope="col">Agreement (label)</th>
            {/* No visually hidden span here: absolutely placed, it would widen a phone page past the scroller. */}
            <th scope="col" aria-label="Actions" />
          </>
        }
        rowKey={(q) => q.queueId}
        row={(q) => (
          <>
            <td>
              <Link href={`/review/${q.queueId}`}>{q.name}</Link>
              <div className="muted small">
                {q.assignment === 'claim' ? 'claim' : 'round robin'} · {q.judgementsPerItem} per item
              </div>
            </td>
            <td>{ruleText(q.rule)}</td>
            <td>
              <Progress done={q.progress.done} total={q.progress.items} />
            </td>
            <td>
              <QueueKappa queueId={q.queueId} />
            </td>
            <td className="row-actions">
              {canReview ? (
                <Link className="button small primary" href={`/review/${q.queueId}`}>
                  Review
                </Link>
              ) : null}
              {canReview && q.rule.kind !== 'manual' ? (
                <button
                  type="button"
                  className="button small"
                  onClick={() =>
                    void act(() => api(`${queuePath(q.queueId)}/fill`, { method: 'POST', body: {} }))
                  }
                >
                  Fill from last 24 h
                </button>
              ) : null}
            </td>
          </>
        )}
      />
    </section>
  );
}

export function Progress({ done, total }: { done: number; total: number }) {
  return (
    <span className="progress-cell">
      <progress max={Math.max(total, 1)} value={done} aria-label="Items done" />
      <span className="num small">
        {done} / {total} done
      </span>
    </span>
  );
}

export function QueueKappa({ queueId }: { queueId: string }) {
  const state = useApi<QueueAgreement>(`${queuePath(queueId)}/agreement`);
  if (!state.data) return <span className="muted small">{state.error ? 'unavailable' : '…'}</span>;
  const { kappa, items } = state.data.label.overall;
  return <span className="small">{kappaText(kappa, items)}</span>;
}
