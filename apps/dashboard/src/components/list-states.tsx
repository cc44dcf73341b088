'use client';
import type { ReactNode } from 'react';
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

/**
 * A list endpoint's items as a table (one row each, keyed by `rowKey`), or its loading, failed or empty state.
 * `head` holds the header cells.
 */
export function ItemsTable<T>({
  state,
  label,
  emptyTitle,
  emptyHint,
  head,
  rowKey,
  row,
}: {
  state: ApiState<{ items: T[] }>;
  label: string;
  emptyTitle: string;
  emptyHint?: string;
  head: ReactNode;
  rowKey: (item: T) => string;
  row: (item: T) => ReactNode;
}) {
  const items = state.data?.items ?? [];
  return (
    <>
      <ListStates state={state} emptyTitle={emptyTitle} emptyHint={emptyHint} />
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label={label}>
            <thead>
              <tr>{head}</tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={rowKey(item)}>{row(item)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

/** The header cell over a column of row buttons, when the reader may change things. */
export function ActionsHeader({ show }: { show: boolean }) {
  return show ? (
    <th scope="col">
      <span className="visually-hidden">Actions</span>
    </th>
  ) : null;
}
