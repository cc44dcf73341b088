'use client';
import './problems.css';
import Link from 'next/link';
import type { ProblemList } from '../../lib/problems';
import { useApi } from '../../lib/use-api';

/** The overview's pointer to open problems: how many (up to the page size) and the most severe one's title. */
export function ProblemsCard() {
  const open = useApi<ProblemList>('/api/problems?status=open&sort=severity&limit=200');
  if (!open.data) return null;
  const count = open.data.items.length;
  const more = open.data.nextCursor ? '+' : '';
  return (
    <section className="card problems-card" aria-label="Open problems">
      <div>
        <strong data-stat="open-problems">
          {count}
          {more} open {count === 1 && !more ? 'problem' : 'problems'}
        </strong>
        <p className="muted small">
          {count ? `Most severe: ${open.data.items[0]!.title}` : 'The detectors found nothing open.'}
        </p>
      </div>
      <Link className="button small" href="/problems">
        See problems
      </Link>
    </section>
  );
}
