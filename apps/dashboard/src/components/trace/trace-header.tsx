'use client';
import Link from 'next/link';
import type { TraceDetail } from '../../lib/api';
import { formatCost, formatMs, formatTime, formatTokens, sumKnown } from '../../lib/format';
import { CopyButton } from '../copy-button';
import { EstimatedMark } from '../estimated-mark';
import { SessionLink, UserLink } from '../groups/id-links';
import { UserText } from '../user-text';

type Span = TraceDetail['spans'][number];

function firstString(spans: Span[], pick: (s: Span) => unknown): string | null {
  for (const s of spans) {
    const v = pick(s);
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

/**
 * The trace's head: full id with a copy button, name, start, duration, spans, model calls (only the counted ones:
 * the rule the token totals use, so agent and wrapper spans are not calls), tokens, cost, user, session,
 * release and an error badge.
 */
export function TraceHeader({
  traceId,
  spans,
  root,
  totalMs,
}: {
  traceId: string;
  spans: Span[];
  root: Span;
  totalMs: number;
}) {
  const counted = spans.filter((s) => s.llm?.usageCounted);
  const cost = counted.some((s) => s.llm?.costUsd != null)
    ? counted.reduce((sum, s) => sum + (s.llm?.costUsd ?? 0), 0)
    : null;
  const tokens = sumKnown(
    ...counted.flatMap((s) => [s.llm?.usage.inputTokens ?? null, s.llm?.usage.outputTokens ?? null]),
  );
  const estimated = counted.some((s) => s.llm?.usage.estimated);
  const errors = spans.filter((s) => s.status === 'error').length;
  const sessionId = firstString(spans, (s) => s.attributes['session.id']);
  const userId = firstString(spans, (s) => s.attributes['user.id']);
  const release = firstString(spans, (s) => s.resource['service.version']);
  return (
    <div className="page-head">
      <div>
        <p className="crumbs">
          <Link href="/traces">Traces</Link> / <span className="mono trace-id">{traceId}</span>{' '}
          <CopyButton text={traceId} label="trace id" />
        </p>
        <h1 className="ellipsis">
          <UserText text={root.name} />{' '}
          {errors ? (
            <span className="badge error">{errors === 1 ? '1 error' : `${errors} errors`}</span>
          ) : null}
        </h1>
        <p className="muted small trace-facts">
          {formatTime(root.startTime)} · {formatMs(totalMs)} · {spans.length} spans · {counted.length} LLM{' '}
          {counted.length === 1 ? 'call' : 'calls'} · {formatTokens(tokens)} tokens · {formatCost(cost)}
          {estimated ? <EstimatedMark /> : null}
          {userId ? (
            <>
              {' '}
              · user <UserLink id={userId} />
            </>
          ) : null}
          {sessionId ? (
            <>
              {' '}
              · session <SessionLink id={sessionId} />
            </>
          ) : null}
          {release ? (
            <>
              {' '}
              · release <UserText text={release} />
            </>
          ) : null}
        </p>
      </div>
    </div>
  );
}
