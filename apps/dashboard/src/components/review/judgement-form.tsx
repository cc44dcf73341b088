'use client';
import { type FormEvent, type RefObject, useState } from 'react';
import type { FeedbackNameConfig, Rubric } from '../../lib/review';

export interface JudgementBody {
  scores: Record<string, number | boolean | string>;
  label: string;
  correctedAnswer: string;
  comment: string;
}

/** Scores on the rubric, the label, the corrected answer and a comment; every control is reachable by key. */
export function JudgementForm({
  rubric,
  label,
  onLabel,
  modelAnswer,
  busy,
  onSubmit,
  formRef,
}: {
  rubric: Rubric;
  label: string;
  onLabel: (label: string) => void;
  modelAnswer: string;
  busy: boolean;
  onSubmit: (body: JudgementBody) => void;
  formRef: RefObject<HTMLFormElement | null>;
}) {
  const [scores, setScores] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const typed: JudgementBody['scores'] = {};
    for (const c of rubric.criteria) {
      const raw = scores[c.name] ?? '';
      if (raw === '') continue;
      typed[c.name] = c.type === 'numeric' ? Number(raw) : c.type === 'boolean' ? raw === 'yes' : raw;
    }
    onSubmit({
      scores: typed,
      label,
      correctedAnswer: String(form.get('correctedAnswer') ?? ''),
      comment: String(form.get('comment') ?? ''),
    });
  }

  return (
    <form ref={formRef} className="judgement stack" onSubmit={submit} aria-label="Judgement">
      {rubric.criteria.length > 0 ? (
        <fieldset className="checks">
          <legend className="muted small">Scores</legend>
          <div className="score-grid">
            {rubric.criteria.map((c, i) => (
              <ScoreField
                key={c.name}
                criterion={c}
                first={i === 0}
                value={scores[c.name] ?? ''}
                onChange={(v) => setScores((s) => ({ ...s, [c.name]: v }))}
              />
            ))}
          </div>
        </fieldset>
      ) : null}
      {rubric.labels.length > 0 ? (
        <fieldset className="checks">
          <legend className="muted small">Label</legend>
          <div className="segmented" role="radiogroup" aria-label="Label">
            {rubric.labels.map((l, i) => (
              <button
                key={l}
                type="button"
                role="radio"
                aria-checked={label === l}
                className={label === l ? 'active' : undefined}
                onClick={() => onLabel(label === l ? '' : l)}
              >
                {i < 9 ? <kbd>{i + 1}</kbd> : null} {l}
              </button>
            ))}
          </div>
        </fieldset>
      ) : null}
      <label className="field">
        <span>
          Corrected answer <kbd>c</kbd> <span className="muted">(leave empty when the answer is right)</span>
        </span>
        <textarea
          name="correctedAnswer"
          data-key="c"
          rows={5}
          maxLength={32768}
          placeholder={modelAnswer ? `The model said: ${modelAnswer.slice(0, 160)}` : ''}
        />
      </label>
      <label className="field">
        <span>
          Comment <kbd>m</kbd>
        </span>
        <textarea name="comment" data-key="m" rows={2} maxLength={4000} />
      </label>
      <div className="inline-form">
        <button type="submit" className="button primary" disabled={busy}>
          Submit and next <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}

function ScoreField({
  criterion: c,
  first,
  value,
  onChange,
}: {
  criterion: FeedbackNameConfig;
  first: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  const shortcut = first ? { 'data-key': 's' } : {};
  return (
    <label className="field">
      <span>
        {c.name} {first ? <kbd>s</kbd> : null}
      </span>
      {c.type === 'numeric' ? (
        <input
          {...shortcut}
          type="number"
          min={c.min}
          max={c.max}
          step="any"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={c.min !== undefined && c.max !== undefined ? `${c.min}–${c.max}` : ''}
        />
      ) : (
        <select {...shortcut} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {(c.type === 'boolean' ? ['yes', 'no'] : c.labels).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )}
    </label>
  );
}
