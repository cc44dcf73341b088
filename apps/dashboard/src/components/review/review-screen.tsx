'use client';
import '../review/review.css';
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type SpanView, type TraceDetail } from '../../lib/api';
import { queuePath, rubricPath, type NextItem, type QueueView, type Rubric } from '../../lib/review';
import { useApi } from '../../lib/use-api';
import { ChatView } from '../chat/chat-view';
import { FormError } from '../list-states';
import { useSession } from '../shell/session-context';
import { Empty, ErrorState, Loading } from '../states';
import { JudgementForm, type JudgementBody } from './judgement-form';
import { Progress, QueueKappa } from './queues-table';
import { ReviewKeys } from './review-keys';

/** One queue, one item at a time: read the conversation, judge it, Ctrl+Enter to submit and take the next. */
export function ReviewScreen({ queueId }: { queueId: string }) {
  const { me, project } = useSession();
  const queue = useApi<QueueView>(queuePath(queueId));
  const rubric = useApi<Rubric>(rubricPath(project));
  const [current, setCurrent] = useState<NextItem | null | 'done'>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const formRef = useRef<HTMLFormElement | null>(null);
  const canReview = me.role !== 'viewer';
  const reloadQueue = queue.reload;

  const takeNext = useCallback(async () => {
    const next = await api<NextItem | undefined>(`${queuePath(queueId)}/next`, { method: 'POST' });
    setLabel('');
    setCurrent(next ?? 'done');
  }, [queueId]);

  useEffect(() => {
    if (canReview) takeNext().catch((e: Error) => setError(e.message));
  }, [canReview, takeNext]);

  const submit = useCallback(
    async (body: JudgementBody) => {
      if (!current || current === 'done' || busy) return;
      setBusy(true);
      setError(null);
      try {
        const path = `${queuePath(queueId)}/items/${encodeURIComponent(current.item.itemId)}/judgement`;
        await api(path, { method: 'PUT', body });
        setSaved(`Judgement of trace ${current.item.traceId.slice(0, 12)}… saved.`);
        reloadQueue();
        await takeNext();
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [current, busy, queueId, reloadQueue, takeNext],
  );

  const labels = rubric.data?.labels ?? [];
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      const typing = !!target?.closest('input, select, textarea, [contenteditable="true"]');
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        formRef.current?.requestSubmit();
        return;
      }
      if (event.key === 'Escape') {
        if (help) setHelp(false);
        else if (typing) target?.blur();
        return;
      }
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === '?') {
        event.preventDefault();
        setHelp((h) => !h);
      } else if (/^[1-9]$/.test(event.key) && labels[Number(event.key) - 1]) {
        event.preventDefault();
        const chosen = labels[Number(event.key) - 1]!;
        setLabel((l) => (l === chosen ? '' : chosen));
      } else if (['c', 'm', 's'].includes(event.key)) {
        const field = formRef.current?.querySelector<HTMLElement>(`[data-key="${event.key}"]`);
        if (field) {
          event.preventDefault();
          field.focus();
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, labels]);

  if (queue.loading && !queue.data) return <Loading label="Loading queue" />;
  if (queue.error) return <ErrorState error={queue.error} onRetry={queue.reload} />;
  if (!queue.data) return null;
  const q = queue.data;
  const call =
    current && current !== 'done' && current.trace ? judgedCall(current.trace, current.item.spanId) : null;

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/review">Review queues</Link> / {q.name}
          </p>
          <h1>{q.name}</h1>
          {q.description ? <p className="muted small">{q.description}</p> : null}
        </div>
        <div className="review-figures" aria-label="Queue progress">
          <Progress done={q.progress.done} total={q.progress.items} />
          <span className="small">
            Agreement: <QueueKappa key={q.progress.judgements} queueId={queueId} />
          </span>
        </div>
      </div>
      {!canReview ? (
        <p className="notice" role="note">
          You are a viewer: you can follow the progress of this queue; members review it.
        </p>
      ) : null}
      {canReview ? <ReviewKeys open={help} onClose={() => setHelp(false)} /> : null}
      <FormError error={error} />
      {saved ? (
        <p className="form-ok small" role="status">
          {saved}
        </p>
      ) : null}
      {canReview && current === null && !error ? <Loading label="Taking the next item" /> : null}
      {current === 'done' ? (
        <Empty title="Nothing left for you in this queue" hint="Every item you may judge has been judged." />
      ) : null}
      {current && current !== 'done' ? (
        <div className="review-layout">
          <section className="card panel review-read" aria-label="What the model did">
            <div className="panel-head">
              <h2>Conversation</h2>
              <Link className="small" href={`/traces/${current.item.traceId}`}>
                trace {current.item.traceId.slice(0, 12)}…
              </Link>
            </div>
            {call?.llm ? (
              <ChatView llm={call.llm} />
            ) : (
              <Empty title="No model call in this trace" hint="It may not have arrived yet." />
            )}
          </section>
          <section className="card panel review-judge" aria-label="Your judgement">
            <h2>Your judgement</h2>
            {rubric.data ? (
              <JudgementForm
                key={current.item.itemId}
                rubric={rubric.data}
                label={label}
                onLabel={setLabel}
                modelAnswer={call?.llm ? answerText(call) : ''}
                busy={busy}
                onSubmit={(body) => void submit(body)}
                formRef={formRef}
              />
            ) : (
              <Loading label="Loading the rubric" />
            )}
          </section>
        </div>
      ) : null}
    </div>
  );
}

/** The call a reviewer judges, as the dataset builder reads it: the item's span, else the last counted call. */
function judgedCall(trace: TraceDetail, spanId: string): SpanView | null {
  if (spanId) return trace.spans.find((s) => s.spanId === spanId && s.llm) ?? null;
  const calls = trace.spans.filter((s) => s.llm);
  const counted = calls.filter((s) => s.llm?.usageCounted);
  return (counted.length ? counted : calls).at(-1) ?? null;
}

function answerText(span: SpanView): string {
  return (span.llm?.outputMessages ?? [])
    .flatMap((m) => (m as { parts?: Array<{ type?: string; content?: unknown }> }).parts ?? [])
    .filter((p) => p.type === 'text' && typeof p.content === 'string')
    .map((p) => p.content as string)
    .join('\n');
}
