'use client';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { rubricPath, type Rubric } from '../../lib/review';
import { useAction } from '../../lib/use-action';
import { useApi } from '../../lib/use-api';
import { FormError } from '../list-states';
import { ErrorState, Loading } from '../states';

const EXAMPLE: Rubric = {
  criteria: [
    { name: 'accuracy', type: 'numeric', min: 1, max: 5 },
    { name: 'helpful', type: 'boolean' },
  ],
  labels: ['correct', 'wrong'],
};

/** The project's rubric: everyone reads it; admins edit it as JSON (the server names any wrong field). */
export function RubricEditor({ projectId, canEdit }: { projectId: string; canEdit: boolean }) {
  const state = useApi<Rubric>(rubricPath(projectId));
  const { error, act } = useAction(state.reload);
  const [text, setText] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (state.data) setText(JSON.stringify(isEmpty(state.data) ? EXAMPLE : state.data, null, 2));
  }, [state.data]);

  function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    void act(async () => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new Error(`the rubric is not valid JSON: ${(e as Error).message}`);
      }
      await api(rubricPath(projectId), { method: 'PUT', body });
      setSaved(true);
    });
  }

  return (
    <section className="card panel" aria-labelledby="rubric-title">
      <h2 id="rubric-title">Rubric</h2>
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data ? <RubricSummary rubric={state.data} /> : null}
      {canEdit && state.data ? (
        <form onSubmit={save} aria-label="Edit the rubric" className="stack">
          <p className="muted small">
            Criteria are typed like feedback names: <code>numeric</code> (min, max), <code>boolean</code>,{' '}
            <code>categorical</code> (labels, negativeLabels). Labels are the judgement&apos;s overall
            verdict; agreement between reviewers is computed on them.
          </p>
          <label className="field">
            <span>Rubric (JSON)</span>
            <textarea
              className="code-input"
              rows={16}
              value={text}
              spellCheck={false}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <div>
            <button type="submit" className="button primary">
              Save rubric
            </button>
          </div>
          <FormError error={error} />
          {saved ? (
            <p className="form-ok" role="status">
              Rubric saved.
            </p>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}

function isEmpty(rubric: Rubric): boolean {
  return rubric.criteria.length === 0 && rubric.labels.length === 0;
}

export function RubricSummary({ rubric }: { rubric: Rubric }) {
  if (isEmpty(rubric)) return <p className="muted">No rubric yet: reviewers can only correct and comment.</p>;
  return (
    <ul className="rubric-summary" aria-label="Rubric criteria">
      {rubric.criteria.map((c) => (
        <li key={c.name}>
          <strong>{c.name}</strong>{' '}
          <span className="muted small">
            {c.type === 'numeric'
              ? `score ${c.min ?? '…'}–${c.max ?? '…'}`
              : c.type === 'boolean'
                ? 'yes / no'
                : c.labels.join(' · ')}
          </span>
        </li>
      ))}
      {rubric.labels.length > 0 ? (
        <li>
          <strong>label</strong> <span className="muted small">{rubric.labels.join(' · ')}</span>
        </li>
      ) : null}
    </ul>
  );
}
