'use client';
import { ApiError } from '../lib/api';

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}…
    </div>
  );
}

export function Empty({ title, hint }: { title: string; hint?: string }) {
  return (
    <div className="state empty">
      <p className="state-title">{title}</p>
      {hint ? <p className="muted">{hint}</p> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const status = error instanceof ApiError ? error.status : null;
  const title =
    status === 403 ? 'You do not have access to this' : status === 404 ? 'Not found' : 'Something went wrong';
  return (
    <div className="state error" role="alert">
      <p className="state-title">{title}</p>
      <p className="muted">{error.message}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
