'use client';
import { formatCount } from '../../lib/format';

/** Previous/next over an offset-paged list, with "1–50 of 123" (or "of more than 10,000"). */
export function Pager({
  offset,
  limit,
  shown,
  total,
  totalCapped,
  onOffset,
  label = 'Pages',
}: {
  offset: number;
  limit: number;
  shown: number;
  total: number;
  totalCapped: boolean;
  onOffset: (offset: number) => void;
  label?: string;
}) {
  const last = offset + shown;
  const hasNext = totalCapped ? shown === limit : last < total;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - limit))}
      >
        Previous page
      </button>
      <span className="muted small" aria-live="polite">
        {shown === 0
          ? `none of ${formatCount(total)}`
          : `${formatCount(offset + 1)}–${formatCount(last)} of ${totalCapped ? 'more than ' : ''}${formatCount(total)}`}
      </span>
      <button type="button" className="button" disabled={!hasNext} onClick={() => onOffset(offset + limit)}>
        Next page
      </button>
    </nav>
  );
}
