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

/**
 * A failed load in plain words. A 404 says what was not found (`notFoundHint`) and offers no "Try again": asking
 * again would not find it either.
 */
export function ErrorState({
  error,
  onRetry,
  notFoundHint,
}: {
  error: Error;
  onRetry?: () => void;
  notFoundHint?: string;
}) {
  const status = error instanceof ApiError ? error.status : null;
  const title =
    status === 403 ? 'You do not have access to this' : status === 404 ? 'Not found' : 'Something went wrong';
  const retry = onRetry && status !== 404 && status !== 403 && status !== 400;
  return (
    <div className="state error" role="alert">
      <p className="state-title">{title}</p>
      <p className="muted">{status === 404 && notFoundHint ? notFoundHint : error.message}</p>
      {retry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
