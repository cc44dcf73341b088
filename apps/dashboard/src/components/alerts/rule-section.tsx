'use client';
import type { FormEvent, ReactNode } from 'react';
import type { AlertDestinationView } from '@driftwatch/api-schema';
import { api } from '../../lib/api';
import { useAction } from '../../lib/use-action';
import { useApi } from '../../lib/use-api';
import { ActionsHeader, FormError, ListStates } from '../list-states';
import { DestinationPicker, destinationNames } from './destination-picker';

interface Sendable {
  id: string;
  name: string;
  destinationIds: string[];
}

/**
 * What metric rules and problem routes share: a list endpoint of things that send to destinations, an add form
 * (its own fields, then the destinations) for admins, and a table of name, what it watches, where it sends, with
 * a remove button for admins.
 */
export function RuleSection<T extends Sendable>(props: {
  /** The collection's REST path, e.g. /api/projects/default/alert-rules. */
  base: string;
  title: string;
  intro?: ReactNode;
  canEdit: boolean;
  destinations: AlertDestinationView[];
  /** The form's name ("Add a metric rule") and its button ("Add rule"). */
  formLabel: string;
  submitLabel: string;
  /** The form's own fields; a destination picker and the submit button follow them. */
  fields: ReactNode;
  /** The request body from the submitted form. */
  bodyOf: (form: FormData) => unknown;
  tableLabel: string;
  emptyTitle: string;
  /** The column saying what each item watches ("Fires when", "Problems"). */
  watchHeader: string;
  watch: (item: T) => ReactNode;
  /** The remove button's accessible name for an item ("Remove the rule checkout errors"). */
  removeLabel: (item: T) => string;
}) {
  const { base, canEdit, destinations } = props;
  const state = useApi<{ items: T[] }>(base);
  const { error, act } = useAction(state.reload);
  const titleId = `${base.split('/').pop()}-title`;

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const body = props.bodyOf(new FormData(element));
    void act(async () => {
      await api(base, { method: 'POST', body });
      element.reset();
    });
  }

  return (
    <section className="card panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{props.title}</h2>
      {props.intro}
      {canEdit ? (
        <form className="inline-form" onSubmit={create} aria-label={props.formLabel}>
          {props.fields}
          <DestinationPicker destinations={destinations} />
          <button type="submit" className="button primary">
            {props.submitLabel}
          </button>
        </form>
      ) : null}
      <FormError error={error} />
      <ListStates state={state} emptyTitle={props.emptyTitle} />
      {state.data && state.data.items.length > 0 ? (
        <div className="table-scroll">
          <table className="table" aria-label={props.tableLabel}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">{props.watchHeader}</th>
                <th scope="col">Sends to</th>
                <ActionsHeader show={canEdit} />
              </tr>
            </thead>
            <tbody>
              {state.data.items.map((item) => (
                <tr key={item.id}>
                  <td>{item.name}</td>
                  <td>{props.watch(item)}</td>
                  <td>{destinationNames(item.destinationIds, destinations)}</td>
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="button small danger"
                        aria-label={props.removeLabel(item)}
                        onClick={() => void act(() => api(`${base}/${item.id}`, { method: 'DELETE' }))}
                      >
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
