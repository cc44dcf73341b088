'use client';
import { type ReactNode, useState } from 'react';

export const COLLAPSE_AT = 1500;

/** Long content shows its beginning and a button; nothing past the cut is rendered until asked for. */
export function Collapsible({ text, render }: { text: string; render: (text: string) => ReactNode }) {
  const [open, setOpen] = useState(false);
  if (text.length <= COLLAPSE_AT) return <>{render(text)}</>;
  const size = text.length >= 10_000 ? `${Math.round(text.length / 1024)} KB` : `${text.length} characters`;
  return (
    <div className={open ? 'collapsible open' : 'collapsible'}>
      {render(open ? text : `${text.slice(0, COLLAPSE_AT)}…`)}
      <button type="button" className="button small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Show less' : `Show all (${size})`}
      </button>
    </div>
  );
}
