'use client';
import '../review/review.css';
import { type FormEvent, useState } from 'react';
import { api } from '../../lib/api';
import { queuePath, type QueueView } from '../../lib/review';
import { useApi } from '../../lib/use-api';

/** Adds traces (a trace page's, or the traces list's selection) to a review queue chosen from the project's. */
export function AddToQueue({ traceIds, compact = false }: { traceIds: string[]; compact?: boolean }) {
  const queues = useApi<{ items: QueueView[] }>('/api/review-queues');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const list = queues.data?.items ?? [];

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const queueId = String(new FormData(event.currentTarget).get('queueId') ?? '');
    const queue = list.find((q) => q.queueId === queueId);
    if (!queue || traceIds.length === 0) return;
    try {
      const result = await api<{ added: number }>(`${queuePath(queueId)}/items`, {
        method: 'POST',
        body: { items: traceIds.map((traceId) => ({ traceId })) },
      });
      const already = traceIds.length - result.added;
      setMessage({
        ok: true,
        text: `${result.added} added to ${queue.name}${already ? `, ${already} already there` : ''}.`,
      });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  }

  if (queues.error || (queues.data && list.length === 0)) return null;
  return (
    <form
      className="inline-form add-to-queue"
      onSubmit={(e) => void add(e)}
      aria-label="Add to a review queue"
    >
      <label className={compact ? 'inline-field' : 'field'}>
        <span>Review queue</span>
        <select name="queueId" key={list.length} defaultValue={list[0]?.queueId}>
          {list.map((q) => (
            <option key={q.queueId} value={q.queueId}>
              {q.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button small" disabled={traceIds.length === 0 || list.length === 0}>
        Add {traceIds.length > 1 ? `${traceIds.length} traces` : 'to queue'}
      </button>
      {message ? (
        <span className={message.ok ? 'form-ok small' : 'form-error small'} role="status">
          {message.text}
        </span>
      ) : null}
    </form>
  );
}
