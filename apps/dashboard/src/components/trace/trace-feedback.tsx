'use client';
import '../review/review.css';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import { formatTime } from '../../lib/format';
import type { StoredFeedback } from '../../lib/review';
import { useApi } from '../../lib/use-api';
import { FormError } from '../list-states';
import { useSession } from '../shell/session-context';
import { Empty, ErrorState, Loading } from '../states';

const SOURCES: Record<StoredFeedback['source'], string> = {
  api_key: 'API key',
  public_key: 'web app',
  dashboard: 'dashboard',
};

/** A trace's feedback (who, where from, value, comment, correction) and a thumbs form for members. */
export function TraceFeedback({ traceId }: { traceId: string }) {
  const { me } = useSession();
  const state = useApi<{ items: StoredFeedback[] }>(`/api/traces/${encodeURIComponent(traceId)}/feedback`);
  const [thumb, setThumb] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const comment = String(new FormData(element).get('comment') ?? '');
    if (thumb === null) {
      setError('choose thumbs up or down');
      return;
    }
    setError(null);
    try {
      await api('/api/feedback', {
        method: 'POST',
        body: {
          traceId,
          name: 'thumbs',
          value: thumb,
          ...(comment ? { comment } : {}),
          userId: me.user.email,
        },
      });
      element.reset();
      setThumb(null);
      state.reload();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const items = state.data?.items ?? [];
  return (
    <section className="card panel" aria-labelledby="feedback-title">
      <h2 id="feedback-title">Feedback</h2>
      {state.loading && !state.data ? <Loading /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && items.length === 0 ? <Empty title="No feedback on this trace yet" /> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label="Feedback items">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">Comment / correction</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <tr key={f.id}>
                  <td className="nowrap">{formatTime(f.time)}</td>
                  <td>
                    {f.userId || <span className="muted">anonymous</span>}
                    <div className="muted small">{SOURCES[f.source]}</div>
                  </td>
                  <td className="mono">{f.name}</td>
                  <td>
                    <span
                      className={`badge ${f.negative === true ? 'error' : f.negative === false ? 'ok' : ''}`}
                    >
                      {valueText(f.value)}
                    </span>
                  </td>
                  <td>
                    {f.comment ? <p className="feedback-text">{f.comment}</p> : null}
                    {f.correction ? (
                      <p className="feedback-text">
                        <span className="muted small">Correction: </span>
                        {f.correction}
                      </p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {me.role !== 'viewer' ? (
        <form className="inline-form" onSubmit={(e) => void send(e)} aria-label="Give feedback">
          <div className="segmented" role="radiogroup" aria-label="Thumbs">
            <button
              type="button"
              role="radio"
              aria-checked={thumb === true}
              className={thumb === true ? 'active' : undefined}
              onClick={() => setThumb(true)}
            >
              Good
            </button>
            <button
              type="button"
              role="radio"
              aria-checked={thumb === false}
              className={thumb === false ? 'active' : undefined}
              onClick={() => setThumb(false)}
            >
              Bad
            </button>
          </div>
          <label className="field grow">
            <span>Comment</span>
            <input name="comment" maxLength={4000} />
          </label>
          <button type="submit" className="button primary">
            Send feedback
          </button>
          <FormError error={error} />
        </form>
      ) : null}
    </section>
  );
}

function valueText(value: StoredFeedback['value']): string {
  // Words, not emoji: a browser without an emoji font would show empty boxes.
  if (typeof value === 'boolean') return value ? 'thumbs up' : 'thumbs down';
  return String(value);
}
