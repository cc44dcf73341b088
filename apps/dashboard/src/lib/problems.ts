'use client';
import type { ProblemView } from '@driftwatch/api-schema';
import { formatMs } from './format';

export type { ProblemView };
export type ProblemList = { items: ProblemView[]; nextCursor: string | null };

export const PROBLEM_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const PROBLEM_KINDS = [
  'latency',
  'error_rate',
  'tokens',
  'cost',
  'feedback',
  'score',
  'embedding_drift',
  'topic_shift',
  'new_topic',
  'out_of_scope',
] as const;

export const problemPath = (id: string) => `/api/problems/${encodeURIComponent(id)}`;

/** "latency" → "Latency", "error_rate" → "Error rate". */
export function kindLabel(kind: string): string {
  const text = kind.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The slice the problem is about, e.g. "model=gpt-4o-mini"; the whole project when it has no dimension. */
export function sliceText(p: Pick<ProblemView, 'dimension' | 'value'>): string {
  return p.dimension ? `${p.dimension}=${p.value ?? ''}` : 'whole project';
}

/** A number of the problem's statistic, short: 1234.5 → "1,235", 0.0123 → "0.0123". */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toLocaleString('en-US');
  if (abs >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(3);
}

/** Relative change from baseline to current, e.g. "+98%"; none when the baseline is zero or unknown. */
export function changeText(p: Pick<ProblemView, 'baselineValue' | 'currentValue'>): string {
  if (p.baselineValue === null || p.currentValue === null || p.baselineValue === 0) return '–';
  const change = (p.currentValue - p.baselineValue) / Math.abs(p.baselineValue);
  return `${change >= 0 ? '+' : ''}${Math.round(change * 100)}%`;
}

export function pValueText(p: number | null): string {
  if (p === null) return '–';
  return p < 0.0001 ? '< 0.0001' : p.toPrecision(2);
}

/** The traces page showing the problem's slice over its current window (from/to as epoch ms). */
export function tracesHref(p: ProblemView): string {
  const params = new URLSearchParams({
    from: String(Date.parse(p.current.from)),
    to: String(Date.parse(p.current.to)),
  });
  if (p.dimension === 'model' && p.value) params.set('model', p.value);
  if (p.dimension === 'topic' && p.value) params.set('topicId', p.value);
  return `/traces?${params.toString()}`;
}

/** How the kind's values read: latency in ms or s, the others as plain numbers. */
export function valueFormat(kind: string): (v: number | null | undefined) => string {
  return kind === 'latency' ? formatMs : formatValue;
}
