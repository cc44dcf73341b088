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
import {
  bucketWidth,
  customWindow,
  groupByOf,
  groupSeries,
  lastWindow,
  OverviewControls,
} from './overview-controls';

/** Health of the LLM app over a time range: totals, charts with automatic buckets, top models, outliers. */
export function Overview() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const range = params.get('range') ?? '24h';
  const groupBy = groupByOf(params.get('groupBy'));
  // The window is fixed when the range is chosen, so every panel reads the same instants. A custom or zoomed
  // window comes as from/to in the URL.
  const { fromMs, toMs } = useMemo(() => customWindow(params) ?? lastWindow(range), [params, range]);
  const rangeQuery = query({ from: fromMs, to: toMs });
  const summary = useApi<MetricsSummary>(`/api/metrics/summary${rangeQuery}`);
  const byModel = useApi<MetricsSummary>(`/api/metrics/summary${rangeQuery}&groupBy=model`);
  // Grouped by release or environment: one more call (by model is already here for the top models).
  const byOther = useApi<MetricsSummary>(
    groupBy && groupBy !== 'model' ? `/api/metrics/summary${rangeQuery}&groupBy=${groupBy}` : null,
  );
  const slowest = useApi<TraceListPage>(`/api/traces${rangeQuery}&sort=durationMs&limit=5`);
  const priciest = useApi<TraceListPage>(`/api/traces${rangeQuery}&sort=costUsd&limit=5`);

  const total = summary.data?.totals[0];
  // While another grouping loads, the charts show the totals rather than the previous grouping's series.
  const grouped = groupBy === 'model' ? byModel.data : groupBy && !byOther.loading ? byOther.data : null;
  const series = (
    pick: (p: MetricsSummary['buckets'][number]) => number | null,
    label: string,
    color: string,
  ): Series[] =>
    grouped
      ? groupSeries(grouped.buckets, pick)
      : [
          {
            label,
            color,
            points: known(
              (summary.data?.buckets ?? []).map((b) => ({ t: Date.parse(b.bucketStart), v: pick(b) })),
            ),
          },
        ];
  const bucketMs = bucketWidth(summary.data?.buckets ?? [], toMs - fromMs);
  const navigate = (next: Record<string, string | number | null>) =>
    router.push(`${pathname}${query({ range: params.get('range'), groupBy, ...next })}`);
  const chart = {
    fromMs,
    toMs,
    bucketMs,
    onZoom: (from: number, to: number) => navigate({ from, to, range: null }),
    onPick: (from: number, to: number) => router.push(`/traces${query({ from, to })}`),
  };

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Overview</h1>
        <OverviewControls
          range={customWindow(params) ? 'custom' : range}
          fromMs={fromMs}
          toMs={toMs}
          groupBy={groupBy}
          onRange={(id) => navigate({ range: id, from: null, to: null })}
          onCustom={(from, to) => navigate({ from, to, range: null })}
          onGroupBy={(g) => navigate({ groupBy: g, from: params.get('from'), to: params.get('to') })}
        />
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
              {...chart}
              format={formatCount}
              series={series((b) => b.requests, 'requests', 'var(--c1)')}
            />
            <LineChart
              title="Error rate"
              {...chart}
              format={formatPercent}
              series={series((b) => (b.requests ? b.errorRate : null), 'errors', 'var(--c4)')}
            />
            <LineChart
              title={grouped ? 'Latency p95' : 'Latency'}
              {...chart}
              format={formatMs}
              series={
                grouped
                  ? series((b) => (b.requests ? b.latencyP95Ms : null), 'p95', 'var(--c2)')
                  : [
                      ...series((b) => (b.requests ? b.latencyP50Ms : null), 'p50', 'var(--c1)'),
                      ...series((b) => (b.requests ? b.latencyP95Ms : null), 'p95', 'var(--c2)'),
                      ...series((b) => (b.requests ? b.latencyP99Ms : null), 'p99', 'var(--c4)'),
                    ]
              }
            />
            <LineChart
              title="Tokens"
              {...chart}
              format={formatCount}
              series={
                grouped
                  ? series((b) => b.inputTokens + b.outputTokens, 'tokens', 'var(--c1)')
                  : [
                      ...series((b) => b.inputTokens, 'input', 'var(--c1)'),
                      ...series((b) => b.outputTokens, 'output', 'var(--c3)'),
                    ]
              }
            />
            <LineChart
              title="Cost"
              {...chart}
              format={formatCost}
              series={series((b) => b.costUsd, 'cost (USD)', 'var(--c2)')}
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

/** Buckets without requests have no latency or error rate: left out, not drawn as 0. */
function known(points: Array<{ t: number; v: number | null }>): Array<{ t: number; v: number }> {
  return points.filter((p): p is { t: number; v: number } => p.v !== null);
}

function Stat({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="stat card" data-stat={id}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
