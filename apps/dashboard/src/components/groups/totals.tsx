import { formatCost, formatCount, formatMs, formatTime, formatTokens } from '../../lib/format';
import { EstimatedMark } from '../estimated-mark';
import { groupTokens } from './group-types';

interface Totals {
  firstSeen: string;
  lastSeen: string;
  traceCount: number;
  errorCount: number;
  llmCallCount: number;
  inputTokens: number | null;
  outputTokens: number | null;
  usageEstimated: boolean;
  costUsd: number | null;
  durationMs: number;
}

/** The totals of a session or end user, as a row of figures. */
export function GroupTotals({ totals, extra }: { totals: Totals; extra?: Array<[string, string]> }) {
  const figures: Array<[string, string, boolean?]> = [
    ['Traces', formatCount(totals.traceCount)],
    ...(extra ?? []),
    ['Errors', formatCount(totals.errorCount)],
    ['LLM calls', formatCount(totals.llmCallCount)],
    ['Tokens', formatTokens(groupTokens(totals)), totals.usageEstimated],
    ['Cost', formatCost(totals.costUsd), totals.usageEstimated],
    ['Duration', formatMs(totals.durationMs)],
    ['First seen', formatTime(totals.firstSeen)],
    ['Last seen', formatTime(totals.lastSeen)],
  ];
  return (
    <dl className="stats group-totals" aria-label="Totals">
      {figures.map(([label, value, estimated]) => (
        <div className="stat card" key={label}>
          <dt>{label}</dt>
          <dd>
            {value}
            {estimated ? <EstimatedMark /> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}
