'use client';
import './problems.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Fragment, useState } from 'react';
import { api } from '../../lib/api';
import { formatPercent, formatTime } from '../../lib/format';
import {
  changeText,
  formatValue,
  kindLabel,
  problemPath,
  pValueText,
  sliceText,
  tracesHref,
  valueFormat,
  type ProblemView,
} from '../../lib/problems';
import { useApi } from '../../lib/use-api';
import { useAction } from '../../lib/use-action';
import { useSession } from '../shell/session-context';
import { ErrorState, Loading } from '../states';
import { SeverityBadge, StatusBadge } from './badges';
import { ProblemChart } from './problem-chart';
import { ProblemNotifications } from './problem-notifications';

/** One problem: its numbers, the series against the baseline, the topic's words, its traces, and what to do. */
export function ProblemDetailView({ problemId }: { problemId: string }) {
  const { me } = useSession();
  const state = useApi<ProblemView>(problemPath(problemId));
  const { error, act } = useAction(state.reload);
  if (state.loading && !state.data) return <Loading label="Loading problem" />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return null;
  const p = state.data;
  const canChange = me.role === 'admin' || me.role === 'member';
  const examples = p.evidence.exampleTraceIds;
  const fmt = valueFormat(p.kind);
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/problems">Problems</Link> / <span className="mono">{p.id.slice(0, 12)}</span>
          </p>
          <h1>{p.title}</h1>
          <p className="problem-badges">
            <SeverityBadge severity={p.severity} />
            <StatusBadge status={p.status} />
            <span className="badge">{kindLabel(p.kind)}</span>
            <span className="mono small">{sliceText(p)}</span>
          </p>
        </div>
        {canChange && p.status !== 'resolved' ? (
          <div className="problem-actions" role="group" aria-label="Change status">
            {p.status === 'open' ? (
              <button
                type="button"
                className="button"
                onClick={() => void act(() => api(`${problemPath(p.id)}/acknowledge`, { method: 'POST' }))}
              >
                Acknowledge
              </button>
            ) : null}
            <button
              type="button"
              className="button primary"
              onClick={() => void act(() => api(`${problemPath(p.id)}/resolve`, { method: 'POST' }))}
            >
              Resolve
            </button>
          </div>
        ) : null}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <dl className="stats" aria-label="Problem numbers">
        <Num label="Baseline → current" id="values">
          {fmt(p.baselineValue)} → {fmt(p.currentValue)}
        </Num>
        <Num label="Change" id="change">
          {changeText(p)}
        </Num>
        <Num label="Traffic share" id="share">
          {formatPercent(p.trafficShare)}
        </Num>
        <Num label="p-value" id="p-value">
          {pValueText(p.pValue)}
        </Num>
        <Num label={`Statistic (${p.statistic})`} id="score">
          {formatValue(p.score)}
        </Num>
      </dl>
      <p className="muted small">
        Current window {formatTime(p.current.from)} – {formatTime(p.current.to)}; baseline{' '}
        {formatTime(p.baseline.from)} – {formatTime(p.baseline.to)}. Opened {formatTime(p.openedAt)}, last
        seen {formatTime(p.lastSeenAt)}.{p.acknowledgedBy ? ` Acknowledged by ${p.acknowledgedBy}.` : ''}
        {p.resolvedBy ? ` Resolved by ${p.resolvedBy}.` : ''}
      </p>
      <section className="card panel" aria-labelledby="series-title">
        <h2 id="series-title">{kindLabel(p.kind)} per window</h2>
        <ProblemChart
          evidence={p.evidence}
          format={fmt}
          label={`${kindLabel(p.kind)} per window with the baseline band`}
        />
      </section>
      {p.evidence.topic ? <TopicEvidence topic={p.evidence.topic} /> : null}
      <section className="card panel" aria-labelledby="examples-title">
        <div className="panel-head">
          <h2 id="examples-title">Example traces</h2>
          <Link className="button small" href={tracesHref(p)}>
            Open these traces
          </Link>
        </div>
        {examples.length ? (
          <ul className="short-list mono" aria-label="Example traces">
            {examples.map((id) => (
              <li key={id}>
                <Link href={`/traces/${id}`}>{id}</Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">No example traces were kept.</p>
        )}
        {me.role === 'admin' && examples.length ? <ReviewExamples problem={p} /> : null}
      </section>
      <ProblemNotifications problemId={p.id} />
    </div>
  );
}

/** One click: a review queue holding the example traces, then its review screen. */
function ReviewExamples({ problem }: { problem: ProblemView }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function create() {
    setBusy(true);
    setError(null);
    try {
      const queue = await api<{ queueId: string }>('/api/review-queues', {
        method: 'POST',
        body: {
          name: `Problem: ${problem.title}`.slice(0, 120),
          items: problem.evidence.exampleTraceIds.map((traceId) => ({ traceId })),
        },
      });
      router.push(`/review/${encodeURIComponent(queue.queueId)}`);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  }
  return (
    <p className="inline-form">
      <button type="button" className="button small" disabled={busy} onClick={() => void create()}>
        Review these examples
      </button>
      {error ? (
        <span className="form-error small" role="alert">
          {error}
        </span>
      ) : null}
    </p>
  );
}

function TopicEvidence({ topic }: { topic: NonNullable<ProblemView['evidence']['topic']> }) {
  // A group of near topics ("t2,t19", regressions by topic): its terms, and a link to each topic.
  const group = /^t\d+(,t\d+)+$/.test(topic.id) ? topic.id.split(',') : null;
  return (
    <section className="card panel" aria-labelledby="topic-title">
      <div className="panel-head">
        <h2 id="topic-title">{group ? 'Topics' : 'Topic'}</h2>
        {group ? (
          <span className="small">
            {topic.terms.join(', ')}
            {group.map((id) => (
              <Fragment key={id}>
                {' '}
                <Link href={`/topics/${id}`}>{id}</Link>
              </Fragment>
            ))}
          </span>
        ) : (
          <Link href={`/topics/${encodeURIComponent(topic.id)}`} className="small">
            {topic.terms.join(', ') || topic.id}
          </Link>
        )}
      </div>
      <div className="two-col">
        <div>
          <h3 className="small">Now</h3>
          <ul className="short-list small">
            {topic.examples.map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
        </div>
        <div>
          <h3 className="small">Baseline</h3>
          <ul className="short-list small">
            {(topic.baselineExamples ?? []).map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}

function Num({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <div className="stat card" data-stat={id}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
