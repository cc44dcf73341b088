'use client';
import type { ApiState } from '../lib/use-api';
import { Empty, ErrorState, Loading } from './states';

/** The error of the last change a form made, read out to screen readers. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Loading, failed or empty, for a list endpoint answering { items }; nothing once there are items. */
export function ListStates({
  state,
  emptyTitle,
  emptyHint,
}: {
  state: ApiState<{ items: unknown[] }>;
  emptyTitle: string;
  emptyHint?: string;
}) {
  if (state.loading) return <Loading />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data && state.data.items.length === 0) return <Empty title={emptyTitle} hint={emptyHint} />;
  return null;
}

/** The header cell over a column of row buttons, when the reader may change things. */
export function ActionsHeader({ show }: { show: boolean }) {
  return show ? (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  ) : null;
}
