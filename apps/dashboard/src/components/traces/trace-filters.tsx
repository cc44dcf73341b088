'use client';
import { type FormEvent } from 'react';
import { RANGES } from '../overview/time-range';

export const FILTER_KEYS = [
  'range',
  'model',
  'provider',
  'userId',
  'sessionId',
  'status',
  'search',
  'minDurationMs',
  'feedback',
  'topicId',
] as const;

/** The filters of GET /api/traces; submitting writes them to the URL (a view can be shared as a link). */
export function TraceFilters({
  values,
  onApply,
  topics = [],
}: {
  values: Record<string, string>;
  onApply: (next: Record<string, string>) => void;
  /** Topics of the latest fit, for the topic filter. */
  topics?: { id: string; label: string }[];
}) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next: Record<string, string> = {};
    for (const key of FILTER_KEYS) next[key] = String(form.get(key) ?? '').trim();
    onApply(next);
  }
  // key: the form re-mounts with the URL's values after back/forward navigation.
  return (
    <form className="filters card" onSubmit={submit} key={JSON.stringify(values)} aria-label="Trace filters">
      <label className="field">
        <span>Search messages</span>
        <input name="search" type="search" defaultValue={values.search} placeholder="text in any message" />
      </label>
      <label className="field">
        <span>Time range</span>
        <select name="range" defaultValue={values.range || '24h'}>
          {RANGES.map((r) => (
            <option key={r.id} value={r.id}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Model</span>
        <input name="model" defaultValue={values.model} placeholder="gpt-4o-mini" />
      </label>
      <label className="field">
        <span>Provider</span>
        <input name="provider" defaultValue={values.provider} placeholder="openai" />
      </label>
      <label className="field">
        <span>User</span>
        <input name="userId" defaultValue={values.userId} />
      </label>
      <label className="field">
        <span>Session</span>
        <input name="sessionId" defaultValue={values.sessionId} />
      </label>
      <label className="field">
        <span>Status</span>
        <select name="status" defaultValue={values.status}>
          <option value="">any</option>
          <option value="ok">ok</option>
          <option value="error">error</option>
        </select>
      </label>
      <label className="field">
        <span>Feedback</span>
        <select name="feedback" defaultValue={values.feedback}>
          <option value="">any or none</option>
          <option value="any">with feedback</option>
          <option value="negative">negative</option>
          <option value="positive">positive</option>
          <option value="none">without feedback</option>
        </select>
      </label>
      <label className="field">
        <span>Topic</span>
        <select name="topicId" defaultValue={values.topicId}>
          <option value="">any</option>
          {values.topicId && !topics.some((t) => t.id === values.topicId) ? (
            <option value={values.topicId}>{topicFilterLabel(values.topicId, topics)}</option>
          ) : null}
          {topics.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Min duration (ms)</span>
        <input
          name="minDurationMs"
          type="number"
          min={0}
          inputMode="numeric"
          defaultValue={values.minDurationMs}
        />
      </label>
      <div className="filter-actions">
        <button type="submit" className="button primary">
          Apply filters
        </button>
        <button type="button" className="button ghost" onClick={() => onApply({})}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** A topic filter that is not one listed topic: a group from a problem ("t2,t19"), named by its topics' labels. */
function topicFilterLabel(value: string, topics: { id: string; label: string }[]): string {
  const ids = value.split(',');
  const names = ids.map((id) => topics.find((t) => t.id === id)?.label ?? id);
  return ids.length > 1 ? `${ids.length} topics: ${names.join(' + ')}` : names[0]!;
}
