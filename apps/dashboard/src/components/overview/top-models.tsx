'use client';
import { useState } from 'react';
import type { MetricsSummary } from '../../lib/api';
import { formatCost, formatCount, formatMs, formatPercent } from '../../lib/format';
import type { ApiState } from '../../lib/use-api';
import { Empty, ErrorState, Loading } from '../states';
import { UserText } from '../user-text';

type ModelRow = MetricsSummary['totals'][number];
const ORDERS = {
  requests: { label: 'volume', key: (r: ModelRow) => r.requests },
  cost: { label: 'cost', key: (r: ModelRow) => r.costUsd },
  latency: { label: 'latency p95', key: (r: ModelRow) => r.latencyP95Ms },
} as const;
type Order = keyof typeof ORDERS;

export function TopModels({ state }: { state: ApiState<MetricsSummary> }) {
  const [order, setOrder] = useState<Order>('requests');
  const rows = [...(state.data?.totals ?? [])]
    .sort((a, b) => ORDERS[order].key(b) - ORDERS[order].key(a))
    .slice(0, 10);
  return (
    <section className="card panel" aria-labelledby="top-models">
      <div className="panel-head">
        <h2 id="top-models">Top models</h2>
        <div role="group" aria-label="Rank models by" className="segmented">
          {(Object.keys(ORDERS) as Order[]).map((o) => (
            <button key={o} type="button" aria-pressed={order === o} onClick={() => setOrder(o)}>
              {ORDERS[o].label}
            </button>
          ))}
        </div>
      </div>
      {state.loading ? <Loading /> : null}
      {state.error ? <ErrorState error={state.error} onRetry={state.reload} /> : null}
      {state.data && rows.length === 0 ? <Empty title="No model calls yet" /> : null}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Requests
                </th>
                <th scope="col" className="num hide-narrow">
                  Errors
                </th>
                <th scope="col" className="num">
                  p95
                </th>
                <th scope="col" className="num hide-narrow">
                  Tokens
                </th>
                <th scope="col" className="num">
                  Cost
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.group ?? '(none)'}>
                  <td>
                    <UserText text={r.group || '(unknown)'} />
                  </td>
                  <td className="num">{formatCount(r.requests)}</td>
                  <td className="num hide-narrow">{formatPercent(r.errorRate)}</td>
                  <td className="num">{formatMs(r.latencyP95Ms)}</td>
                  <td className="num hide-narrow">{formatCount(r.inputTokens + r.outputTokens)}</td>
                  <td className="num">{formatCost(r.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
