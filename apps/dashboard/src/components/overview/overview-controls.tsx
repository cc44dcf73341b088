'use client';
import { type FormEvent } from 'react';
import type { MetricsSummary } from '../../lib/api';
import type { Series } from '../charts/line-chart';
import { RANGES, rangeMs } from './time-range';

/** What the charts can be split by (the metrics API's groupBy). */
export const GROUPS = [
  { id: 'model', label: 'Model' },
  { id: 'release', label: 'Release' },
  { id: 'environment', label: 'Environment' },
] as const;
export type GroupBy = (typeof GROUPS)[number]['id'];

export function groupByOf(value: string | null): GroupBy | null {
  return GROUPS.find((g) => g.id === value)?.id ?? null;
}

const PALETTE = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', '#8e44ad', '#7f8c8d'];

/** from/to (epoch ms) from the URL when both are valid and in order: a custom or zoomed window. */
export function customWindow(params: URLSearchParams): { fromMs: number; toMs: number } | null {
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (
    !params.get('from') ||
    !params.get('to') ||
    !Number.isFinite(from) ||
    !Number.isFinite(to) ||
    from >= to
  )
    return null;
  return { fromMs: from, toMs: to };
}

export function lastWindow(range: string): { fromMs: number; toMs: number } {
  const to = Date.now();
  return { fromMs: to - rangeMs(range), toMs: to };
}

/** The buckets' width from their starts (the API picks it from the range); the whole range when one. */
export function bucketWidth(buckets: Array<{ bucketStart: string }>, rangeMsTotal: number): number {
  const starts = buckets.map((b) => Date.parse(b.bucketStart)).sort((a, b) => a - b);
  for (let i = 1; i < starts.length; i++) if (starts[i]! > starts[i - 1]!) return starts[i]! - starts[i - 1]!;
  return rangeMsTotal;
}

/** One series per group (model, release or environment; "(other)", "(none)"), from a grouped answer. */
export function groupSeries(
  buckets: MetricsSummary['buckets'],
  pick: (p: MetricsSummary['buckets'][number]) => number | null,
): Series[] {
  const groups = new Map<string, Series>();
  for (const b of buckets) {
    const name = b.group ?? '(none)';
    let entry = groups.get(name);
    if (!entry) {
      entry = { label: name, color: PALETTE[groups.size % PALETTE.length]!, points: [] };
      groups.set(name, entry);
    }
    const v = pick(b);
    if (v !== null) entry.points.push({ t: Date.parse(b.bucketStart), v });
  }
  return [...groups.values()];
}

/** yyyy-MM-ddTHH:mm in local time, as <input type="datetime-local"> wants. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function OverviewControls({
  range,
  fromMs,
  toMs,
  groupBy,
  onRange,
  onCustom,
  onGroupBy,
}: {
  range: string;
  fromMs: number;
  toMs: number;
  groupBy: string | null;
  onRange: (id: string) => void;
  onCustom: (fromMs: number, toMs: number) => void;
  onGroupBy: (groupBy: string | null) => void;
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = new Date(String(form.get('from'))).getTime();
    const to = new Date(String(form.get('to'))).getTime();
    if (Number.isFinite(from) && Number.isFinite(to) && from < to) onCustom(from, to);
  }
  return (
    <div className="overview-controls">
      <label className="inline-field">
        <span>Time range</span>
        <select
          aria-label="Time range"
          value={range}
          onChange={(e) => e.target.value !== 'custom' && onRange(e.target.value)}
        >
          {RANGES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </label>
      <form className="custom-range" onSubmit={submit} aria-label="Custom range" key={`${fromMs}-${toMs}`}>
        <label className="field">
          <span>From</span>
          <input type="datetime-local" name="from" defaultValue={localInput(fromMs)} required />
        </label>
        <label className="field">
          <span>To</span>
          <input type="datetime-local" name="to" defaultValue={localInput(toMs)} required />
        </label>
        <button type="submit" className="button">
          Apply
        </button>
      </form>
      <label className="inline-field">
        <span>Group by</span>
        <select
          aria-label="Group by"
          value={groupBy ?? ''}
          onChange={(e) => onGroupBy(e.target.value || null)}
        >
          <option value="">Nothing</option>
          {GROUPS.map((g) => (
            <option key={g.id} value={g.id}>
              {g.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
