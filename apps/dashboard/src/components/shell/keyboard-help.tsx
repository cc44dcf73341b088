'use client';
import { useEffect, useRef, useState } from 'react';

const KEYS: Array<[string, string]> = [
  ['?', 'Show or hide this help'],
  ['/', 'Search or filter on this page'],
  ['j / k', 'Next / previous trace in the traces list'],
  ['Enter', 'Open the selected trace'],
  ['↑ / ↓', 'Move between spans of a trace'],
  ['← / →', 'Fold / unfold the selected span (or go to its parent / first child)'],
  ['Esc', 'Close this help'],
];

function typing(target: EventTarget | null): boolean {
  return !!(target as HTMLElement | null)?.closest?.('input, select, textarea, [contenteditable="true"]');
}

/** `?` shows the keyboard shortcuts; `/` puts the cursor in the page's search (or first filter) field. */
export function KeyboardHelp() {
  const [open, setOpen] = useState(false);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === 'Escape') return setOpen(false);
      if (typing(event.target)) return;
      if (event.key === '?') {
        event.preventDefault();
        setOpen((o) => !o);
      } else if (event.key === '/') {
        const field = document.querySelector<HTMLInputElement>(
          'main input[type="search"], main form input:not([type="hidden"]):not([type="checkbox"])',
        );
        if (field) {
          event.preventDefault();
          field.focus();
          field.select();
        }
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="kbd-help" onClick={() => setOpen(false)}>
      <div
        className="card"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <dl>
          {KEYS.map(([key, what]) => (
            <div key={key} style={{ display: 'contents' }}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" className="button" ref={close} onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
