'use client';
import '../review/review.css';
import Link from 'next/link';
import { type FormEvent } from 'react';
import { api } from '../../lib/api';
import { formatTime } from '../../lib/format';
import type { Dataset } from '../../lib/review';
import { useAction } from '../../lib/use-action';
import { useApi } from '../../lib/use-api';
import { FormError, ItemsTable } from '../list-states';
import { useSession } from '../shell/session-context';

/** The project's datasets; members create one (its versions come from review queues). */
export function DatasetsList() {
  const { me } = useSession();
  const state = useApi<{ items: Dataset[] }>('/api/datasets');
  const { error, act } = useAction(state.reload);

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    void act(async () => {
      await api('/api/datasets', {
        method: 'POST',
        body: { name: form.get('name'), description: form.get('description') },
      });
      element.reset();
    });
  }

  return (
    <section className="card panel" aria-labelledby="datasets-title">
      <h2 id="datasets-title">Datasets</h2>
      {me.role !== 'viewer' ? (
        <form className="inline-form" onSubmit={create} aria-label="Create a dataset">
          <label className="field">
            <span>Name</span>
            <input name="name" required maxLength={200} placeholder="support answers" />
          </label>
          <label className="field grow">
            <span>Description</span>
            <input name="description" maxLength={2000} />
          </label>
          <button type="submit" className="button primary">
            Create dataset
          </button>
        </form>
      ) : null}
      <FormError error={error} />
      <ItemsTable
        state={state}
        label="Datasets"
        emptyTitle="No datasets"
        emptyHint="Create one, then build a version from the judged items of review queues."
        head={
          <>
            <th scope="col">Dataset</th>
            <th scope="col">Description</th>
            <th scope="col">Created</th>
          </>
        }
        rowKey={(d) => d.datasetId}
        row={(d) => (
          <>
            <td>
              <Link href={`/datasets/${d.datasetId}`}>{d.name}</Link>
            </td>
            <td className="muted">{d.description}</td>
            <td className="nowrap">{formatTime(d.createdAt)}</td>
          </>
        )}
      />
    </section>
  );
}
