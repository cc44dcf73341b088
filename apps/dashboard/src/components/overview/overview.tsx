'use client';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { query, type MetricsSummary, type TraceListPage } from '../../lib/api';
import { formatCost, formatCount, formatMs, formatPercent } from '../../lib/format';
import { useApi } from '../../lib/use-api';
import { LineChart, type Series } from '../charts/line-chart';
import { ProblemsCard } from '../problems/problems-card';
import { Empty, ErrorState, Loading } from '../states';
import { TopModels } from './top-models';
import { TraceShortList } from './trace-short-list';
import { RANGES, rangeMs } from './time-range';

/** Health of the LLM app over a time range: totals, charts with automatic buckets, top models, outliers. */
export function Overview() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const range = params.get('range') ?? '24h';
  // The window is fixed when the range is chosen, so every panel reads the same instants.
  const { fromMs, toMs } = useMemo(() => {
    const to = Date.now();
    return { fromMs: to - rangeMs(range), toMs: to };
  }, [range]);
  const rangeQuery = query({ from: fromMs, to: toMs });
  const summary = useApi<MetricsSummary>(`/api/metrics/summary${rangeQuery}`);
  const byModel = useApi<MetricsSummary>(`/api/metrics/summary${rangeQuery}&groupBy=model`);
  const slowest = useApi<TraceListPage>(`/api/traces${rangeQuery}&sort=durationMs&limit=5`);
  const priciest = useApi<TraceListPage>(`/api/traces${rangeQuery}&sort=costUsd&limit=5`);

  const total = summary.data?.totals[0];
  const series = (
    pick: (p: MetricsSummary['buckets'][number]) => number,
    label: string,
    color: string,
  ): Series => ({
    label,
    color,
    points: (summary.data?.buckets ?? []).map((b) => ({ t: Date.parse(b.bucketStart), v: pick(b) })),
  });

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
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
      <ProblemsCard />
      {summary.loading ? <Loading label="Loading metrics" /> : null}
      {summary.error ? <ErrorState error={summary.error} onRetry={summary.reload} /> : null}
      {summary.data && !total?.requests ? (
        <Empty
          title="No LLM calls in this time range"
          hint="Send traces to /v1/traces with a project API key (see Settings)."
        />
      ) : null}
      {summary.data && total?.requests ? (
        <>
          <dl className="stats" aria-label="Totals">
            <Stat label="Requests" value={formatCount(total.requests)} id="requests" />
            <Stat label="Error rate" value={formatPercent(total.errorRate)} id="error-rate" />
            <Stat label="Latency p50" value={formatMs(total.latencyP50Ms)} id="p50" />
            <Stat label="Latency p95" value={formatMs(total.latencyP95Ms)} id="p95" />
            <Stat label="Latency p99" value={formatMs(total.latencyP99Ms)} id="p99" />
            <Stat label="Tokens" value={formatCount(total.inputTokens + total.outputTokens)} id="tokens" />
            <Stat label="Cost" value={formatCost(total.costUsd)} id="cost" />
          </dl>
          <div className="charts">
            <LineChart
              title="Requests"
              fromMs={fromMs}
              toMs={toMs}
              format={formatCount}
              series={[series((b) => b.requests, 'requests', 'var(--c1)')]}
            />
            <LineChart
              title="Error rate"
              fromMs={fromMs}
              toMs={toMs}
              format={formatPercent}
              series={[series((b) => b.errorRate, 'errors', 'var(--c4)')]}
            />
            <LineChart
              title="Latency"
              fromMs={fromMs}
              toMs={toMs}
              format={formatMs}
              series={[
                series((b) => b.latencyP50Ms, 'p50', 'var(--c1)'),
                series((b) => b.latencyP95Ms, 'p95', 'var(--c2)'),
                series((b) => b.latencyP99Ms, 'p99', 'var(--c4)'),
              ]}
            />
            <LineChart
              title="Tokens"
              fromMs={fromMs}
              toMs={toMs}
              format={formatCount}
              series={[
                series((b) => b.inputTokens, 'input', 'var(--c1)'),
                series((b) => b.outputTokens, 'output', 'var(--c3)'),
              ]}
            />
            <LineChart
              title="Cost"
              fromMs={fromMs}
              toMs={toMs}
              format={formatCost}
              series={[series((b) => b.costUsd, 'cost (USD)', 'var(--c2)')]}
            />
          </div>
        </>
      ) : null}
      <div className="two-col">
        <TopModels state={byModel} />
        <div className="stack">
          <TraceShortList title="Slowest traces" state={slowest} metric="duration" />
          <TraceShortList title="Most expensive traces" state={priciest} metric="cost" />
          <Link className="more" href={`/traces?from=${fromMs}&to=${toMs}`}>
            All traces in this range →
          </Link>
        </div>
      </div>
    </div>
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
