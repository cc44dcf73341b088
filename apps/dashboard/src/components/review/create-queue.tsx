'use client';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import type { QueueView } from '../../lib/review';
import { useAction } from '../../lib/use-action';
import { FormError } from '../list-states';

/** Admins define a queue: filled by hand, by negative feedback or by a sample of traffic. */
export function CreateQueue({ reload }: { reload: () => void }) {
  const { error, act } = useAction(reload);
  const [rule, setRule] = useState('manual');
  const [created, setCreated] = useState<string | null>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const reviewers = String(form.get('reviewers') ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    const body = {
      name: form.get('name'),
      rule:
        rule === 'sample'
          ? { kind: 'sample', rate: Number(form.get('rate')) / 100 }
          : { kind: rule === 'negative_feedback' || rule === 'novel_calls' ? rule : 'manual' },
      assignment: form.get('assignment'),
      reviewers,
      judgementsPerItem: Number(form.get('judgementsPerItem')),
    };
    void act(async () => {
      const queue = await api<QueueView>('/api/review-queues', { method: 'POST', body });
      setCreated(queue.name);
      element.reset();
      setRule('manual');
    });
  }

  return (
    <section className="card panel" aria-labelledby="new-queue-title">
      <h2 id="new-queue-title">New queue</h2>
      <form className="form-grid" onSubmit={submit} aria-label="Create a queue">
        <label className="field">
          <span>Name</span>
          <input name="name" required maxLength={200} placeholder="Wrong answers this week" />
        </label>
        <label className="field">
          <span>Filled by</span>
          <select name="rule" value={rule} onChange={(e) => setRule(e.target.value)}>
            <option value="manual">By hand</option>
            <option value="negative_feedback">Rule: negative feedback</option>
            <option value="sample">Rule: random sample of traffic</option>
            <option value="novel_calls">Rule: novel calls</option>
          </select>
        </label>
        {rule === 'sample' ? (
          <label className="field">
            <span>Sample (% of traces)</span>
            <input name="rate" type="number" min={0.1} max={100} step={0.1} defaultValue={5} required />
          </label>
        ) : null}
        <label className="field">
          <span>Assignment</span>
          <select name="assignment" defaultValue="claim">
            <option value="claim">Claim (next free item)</option>
            <option value="round_robin">Round robin</option>
          </select>
        </label>
        <label className="field">
          <span>Reviewers (user ids, comma separated)</span>
          <input name="reviewers" placeholder="any member" />
        </label>
        <label className="field">
          <span>Judgements per item</span>
          <input name="judgementsPerItem" type="number" min={1} max={5} defaultValue={1} required />
        </label>
        <div>
          <button type="submit" className="button primary">
            Create queue
          </button>
        </div>
        <FormError error={error} />
        {created ? (
          <p className="form-ok" role="status">
            Queue {created} created.
          </p>
        ) : null}
      </form>
    </section>
  );
}
