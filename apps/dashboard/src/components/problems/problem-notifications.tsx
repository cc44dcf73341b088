'use client';
import type { ProblemNotificationView } from '@driftwatch/api-schema';
import { formatTime } from '../../lib/format';
import { problemPath } from '../../lib/problems';
import { useApi } from '../../lib/use-api';
import { Empty, ErrorState, Loading } from '../states';

const KIND: Record<string, string> = { slack: 'Slack', webhook: 'Webhook' };
const STATE_BADGE: Record<ProblemNotificationView['state'], string> = {
  sent: 'badge ok',
  failed: 'badge error',
  pending: 'badge',
  suppressed: 'badge',
};

/** "opened" → "Opened", "reminder-2" → "Reminder 2", "resolved" → "Resolved". */
export function transitionLabel(transition: string): string {
  const reminder = /^reminder-(\d+)$/.exec(transition);
  if (reminder) return `Reminder ${reminder[1]}`;
  return transition.charAt(0).toUpperCase() + transition.slice(1).replace(/-/g, ' ');
}

/** Where the problem was sent: every message recorded for it, per destination, and how its delivery went. */
export function ProblemNotifications({ problemId }: { problemId: string }) {
  const state = useApi<{ items: ProblemNotificationView[] }>(`${problemPath(problemId)}/notifications`);
  const items = state.data?.items ?? [];
  return (
    <section className="card panel" aria-labelledby="sent-title">
      <div className="panel-head">
        <h2 id="sent-title">Where it was sent</h2>
        <button type="button" className="button small" onClick={state.reload}>
          Refresh
        </button>
      </div>
      {state.loading && !state.data ? <Loading label="Loading notifications" /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && items.length === 0 ? (
        <Empty title="Not sent anywhere" hint="No alert route of the project matched this problem." />
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table compact" aria-label="Notifications of this problem">
            <thead>
              <tr>
                <th scope="col">Destination</th>
                <th scope="col">Kind</th>
                <th scope="col">Message</th>
                <th scope="col">Recorded</th>
                <th scope="col">Delivery</th>
                <th scope="col" className="num">
                  Tries
                </th>
                <th scope="col" className="num">
                  Last status
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.notificationId} data-notification={n.notificationId}>
                  <td>{n.destinationName ?? <span className="muted">removed destination</span>}</td>
                  <td>{n.destinationKind ? KIND[n.destinationKind] : '—'}</td>
                  <td>{transitionLabel(n.transition)}</td>
                  <td className="nowrap">{formatTime(n.recordedAt)}</td>
                  <td>
                    <span className={STATE_BADGE[n.state]}>{n.state}</span>
                  </td>
                  <td className="num">{n.attempts}</td>
                  <td className="num">{n.lastStatusCode ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
