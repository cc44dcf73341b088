'use client';
import type {
  Dataset,
  DatasetItem,
  DatasetVersion,
  FeedbackNameConfig,
  QueueProgress,
  ReviewItem,
  ReviewQueue,
  Rubric,
  StoredFeedback,
} from '@driftwatch/contracts';
import type { TraceDetail } from './api';

export type { Dataset, DatasetItem, DatasetVersion, FeedbackNameConfig, ReviewItem, Rubric };
export type { StoredFeedback };
export type QueueView = ReviewQueue & { progress: QueueProgress };
export type NextItem = { item: ReviewItem; trace: TraceDetail | null };

/** Cohen's kappa over every pair of reviewers who judged the same items (GET .../agreement). */
export interface QueueAgreement {
  label: { overall: { items: number; observed: number | null; kappa: number | null } };
  criteria: Record<string, { overall: { items: number; kappa: number | null } }>;
}

export const queuePath = (queueId: string) => `/api/review-queues/${encodeURIComponent(queueId)}`;
export const rubricPath = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}/rubric`;
export const datasetPath = (datasetId: string) => `/api/datasets/${encodeURIComponent(datasetId)}`;

/** The export as a same-origin download; the project rides in the query (a link cannot send headers). */
export function exportHref(
  projectId: string,
  datasetId: string,
  version: number,
  format: 'openai' | 'plain',
) {
  return `${datasetPath(datasetId)}/versions/${version}/export?format=${format}&project=${encodeURIComponent(projectId)}`;
}

export function ruleText(rule: ReviewQueue['rule']): string {
  if (rule.kind === 'manual') return 'by hand';
  if (rule.kind === 'negative_feedback') return 'negative feedback';
  if (rule.kind === 'sample') return `sample ${Math.round(rule.rate * 1000) / 10}% of traces`;
  if (rule.kind === 'novel_calls') return 'novel calls (new kinds of requests)';
  return `traces filter ${Object.entries(rule.filter)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')}`;
}

export function kappaText(kappa: number | null | undefined, items: number): string {
  if (items === 0) return 'no overlap yet';
  return kappa == null ? `undefined (${items} items)` : `κ ${kappa.toFixed(2)} (${items} items)`;
}
