'use client';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { query, type TopicCallList, type TopicList, type TopicMap as TopicMapData } from '../../lib/api';
import { formatCount, formatPercent, formatTime } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { RANGES, rangeMs } from '../overview/time-range';
import { Empty, ErrorState, Loading } from '../states';
import { Sparkline } from './sparkline';
import { topicColor } from './topic-colors';
import { TopicMap } from './topic-map';

/** What users ask about: the map of the last fit, every topic with its share over time and novelty, novel calls. */
export function TopicsView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const range = params.get('range') ?? '24h';
  const { fromMs, toMs } = useMemo(() => {
    const to = Date.now();
    return { fromMs: to - rangeMs(range), toMs: to };
  }, [range]);
  const rangeQuery = query({ from: fromMs, to: toMs });
  const list = useApi<TopicList>(`/api/topics${rangeQuery}&buckets=24`);
  const map = useApi<TopicMapData>('/api/topics/map');
  const novel = useApi<TopicCallList>(`/api/topics/novel${rangeQuery}&limit=20`);
  const labels = new Map((list.data?.topics ?? []).map((t) => [t.id, t.label]));

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Topics</h1>
          <p className="muted small">
            {list.data?.model
              ? `Fit v${list.data.model.version} on ${formatCount(list.data.model.sampleSize)} requests, ${formatTime(list.data.model.fittedAt)}`
              : 'What users ask about, grouped from the embedded requests'}
          </p>
        </div>
        <label className="inline-field">
          <span>Time range</span>
          <select
            aria-label="Time range"
            value={range}
            onChange={(e) => router.replace(`${pathname}?range=${e.target.value}`)}
          >
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.loading && !list.data ? <Loading label="Loading topics" /> : null}
      {list.error ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.data && !list.data.model ? (
        <Empty
          title="No topics yet"
          hint="Topics are fitted once a project has about 200 embedded requests (embeddings must be on: DRIFTWATCH_EMBEDDINGS=local)."
        />
      ) : null}
      {list.data?.model ? (
        <>
          <dl className="stats" aria-label="Topic totals">
            <Stat id="topics" label="Topics" value={formatCount(list.data.topics.length)} />
            <Stat id="calls" label="Assigned requests" value={formatCount(list.data.totalCalls)} />
            <Stat id="novel" label="Novel requests" value={formatCount(list.data.novelCalls)} />
            <Stat
              id="novelty-rate"
              label="Novelty rate"
              value={formatPercent(list.data.totalCalls ? list.data.novelCalls / list.data.totalCalls : 0)}
            />
          </dl>
          <div className="topics-layout">
            <section className="card panel" aria-labelledby="topic-map-title">
              <div className="panel-head">
                <h2 id="topic-map-title">Map</h2>
                <span className="muted small">hover a dot for its request, click to open the trace</span>
              </div>
              {map.error ? <ErrorState error={map.error} onRetry={map.reload} /> : null}
              {map.data && map.data.points.length > 0 ? <TopicMap map={map.data} /> : null}
            </section>
            <NovelCalls state={novel} labels={labels} />
          </div>
          <TopicTable list={list.data} fromMs={fromMs} toMs={toMs} />
        </>
      ) : null}
    </div>
  );
}

function TopicTable({ list, fromMs, toMs }: { list: TopicList; fromMs: number; toMs: number }) {
  return (
    <section className="card panel" aria-labelledby="topic-list-title">
      <div className="panel-head">
        <h2 id="topic-list-title">All topics</h2>
      </div>
      <div className="table-scroll">
        <table className="table topics-table" aria-label="Topics">
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col" className="hide-narrow">
                Terms
              </th>
              <th scope="col" className="num">
                Requests
              </th>
              <th scope="col" className="num">
                Share
              </th>
              <th scope="col">Share over time</th>
              <th scope="col" className="num">
                Novel
              </th>
              <th
                scope="col"
                className="num"
                title="Share of the judged traces that end users judged negative"
              >
                Negative feedback
              </th>
              <th scope="col">Top model</th>
            </tr>
          </thead>
          <tbody>
            {list.topics.map((t) => (
              <tr key={t.id} data-topic={t.id}>
                <td>
                  <span className="topic-chip">
                    <i style={{ background: topicColor(t.id) }} aria-hidden="true" />
                    <Link href={`/topics/${t.id}`}>{t.label}</Link>
                  </span>
                </td>
                <td className="muted small terms hide-narrow">{t.terms.map((x) => x.term).join(', ')}</td>
                <td className="num">
                  <Link href={`/traces${query({ topicId: t.id, from: fromMs, to: toMs })}`}>
                    {formatCount(t.calls)}
                  </Link>
                </td>
                <td className="num">{formatPercent(t.share)}</td>
                <td>
                  <Sparkline
                    values={t.shareOverTime}
                    color={topicColor(t.id)}
                    label={`${t.label}: share ${formatPercent(t.share)}`}
                  />
                </td>
                <td className="num">{formatPercent(t.noveltyRate)}</td>
                <td className="num" title={`${t.judgedTraces} judged`}>
                  {t.negativeFeedbackRate === null ? '—' : formatPercent(t.negativeFeedbackRate)}
                </td>
                <td className="ellipsis">{t.topModels[0]?.model ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function NovelCalls({
  state,
  labels,
}: {
  state: { data: TopicCallList | null; error: Error | null; loading: boolean; reload: () => void };
  labels: Map<string, string>;
}) {
  return (
    <section className="card panel novel-calls" aria-labelledby="novel-title">
      <div className="panel-head">
        <h2 id="novel-title">Novel requests</h2>
        <span className="muted small">farthest from every topic first</span>
      </div>
      {state.loading && !state.data ? <Loading /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && state.data.items.length === 0 ? <Empty title="Nothing novel in this range" /> : null}
      <ul className="short-list">
        {(state.data?.items ?? []).map((c) => (
          <li key={c.spanId}>
            <Link href={`/traces/${c.traceId}`}>
              <span className="novel-text">{c.text || '(no text)'}</span>
              <span className="muted small">
                nearest: {labels.get(c.topicId) ?? c.topicId} · {c.novelty.toFixed(2)}× its radius ·{' '}
                {formatTime(c.time)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Stat({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="stat card" data-stat={id}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
