'use client';
import Link from 'next/link';
import { query, type TopicDetail } from '../../lib/api';
import { formatCount, formatPercent, formatTime } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { ErrorState, Loading } from '../states';
import { topicColor } from './topic-colors';

/** One topic: its terms, the requests nearest its centre, its latest requests, who serves it, its history. */
export function TopicDetailView({ topicId }: { topicId: string }) {
  const state = useApi<TopicDetail>(`/api/topics/${encodeURIComponent(topicId)}?limit=30`);
  if (state.loading) return <Loading label="Loading topic" />;
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (!state.data) return null;
  const { topic, examples, calls, byModel, byRelease, lineage } = state.data;
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href="/topics">Topics</Link> / <span className="mono">{topic.id}</span>
          </p>
          <h1 className="topic-chip">
            <i style={{ background: topicColor(topic.id) }} aria-hidden="true" />
            {topic.label}
          </h1>
          <p className="muted small">
            {topic.terms.map((t) => t.term).join(', ')} · {formatCount(topic.size)} requests in the last fit
          </p>
        </div>
        <Link className="button" href={`/traces${query({ topicId: topic.id, range: '7d' })}`}>
          Its traces
        </Link>
      </div>
      <div className="two-col">
        <section className="card panel" aria-labelledby="examples-title">
          <h2 id="examples-title">Most typical requests</h2>
          <ul className="short-list">
            {examples.map((e) => (
              <li key={e.spanId}>
                <Link href={`/traces/${e.traceId}`}>{e.text}</Link>
              </li>
            ))}
          </ul>
          <h2 className="section-gap">Latest requests</h2>
          <ul className="short-list">
            {calls.map((c) => (
              <li key={c.spanId}>
                <Link href={`/traces/${c.traceId}`}>
                  <span className="novel-text">{c.text || '(no text)'}</span>
                  <span className="muted small">
                    {formatTime(c.time)} · {c.model}
                    {c.novel ? ' · novel' : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
        <div className="stack">
          <Counts title="By model" rows={byModel} />
          <Counts title="By release" rows={byRelease} />
          <section className="card panel" aria-labelledby="lineage-title">
            <h2 id="lineage-title">History</h2>
            <ul className="short-list small">
              {lineage.map((e, i) => (
                <li key={i}>
                  v{e.version}: {e.kind}
                  {e.kind === 'split' || e.kind === 'merge'
                    ? ` ${e.from.join(' + ')} → ${e.into.join(' + ')}`
                    : ''}
                </li>
              ))}
            </ul>
          </section>
        </div>
      </div>
    </div>
  );
}

/** Its requests by model (or release): counts and shares of the topic. */
function Counts({ title, rows }: { title: string; rows: { key: string; calls: number }[] }) {
  const total = rows.reduce((n, r) => n + r.calls, 0);
  return (
    <section className="card panel" aria-label={title}>
      <h2>{title}</h2>
      <table className="table">
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>{r.key || '(none)'}</td>
              <td className="num">{formatCount(r.calls)}</td>
              <td className="num">{formatPercent(total ? r.calls / total : 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
