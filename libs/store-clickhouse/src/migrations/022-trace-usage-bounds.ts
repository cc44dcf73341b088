import type { Migration } from './migration.js';

/**
 * A row's calls summed, but for the wrappers among them (a call that is the parent of another call of the row:
 * counted-usage.ts), so the bound of a trace written in one batch is its exact figure. A wrapper whose child came
 * in another batch is counted: still an upper bound.
 */
const rowBound = (value: string) =>
  `arraySum(c -> if(has(arrayMap(x -> x.2, calls), c.1), 0, ${value}), calls)`;

/**
 * Upper bounds of each trace_summary row's cost and tokens, and the trace id's hash, computed when the row is
 * written (DEFAULTs of the rows the summary's view inserts), so the costliest-first list picks its candidates by
 * summing two numbers per row grouped by a UInt64, without reading the rows' call arrays or grouping string ids
 * (bench/scale/README.md, session 6). A bound counts the row's calls but its wrappers, negative costs as 0, and
 * merges sum the rows' bounds (SimpleAggregateFunction(sum)) while the call sets are deduped: a retried batch
 * or a wrapper whose child is in another row only makes a bound larger, never smaller than the exact figure. The hash is
 * a function of the sort key's trace id, so the value AggregatingMergeTree keeps for it is that of every row.
 * MATERIALIZE COLUMN writes the three columns for the rows stored before.
 */
export const traceUsageBounds: Migration = {
  id: 22,
  name: 'trace_usage_bounds',
  up: [
    `ALTER TABLE {db}.trace_summary ADD COLUMN IF NOT EXISTS trace_hash UInt64 DEFAULT cityHash64(trace_id)`,
    `ALTER TABLE {db}.trace_summary ADD COLUMN IF NOT EXISTS cost_bound SimpleAggregateFunction(sum, Float64)
      DEFAULT ${rowBound('greatest(ifNull(c.5, 0), 0)')}`,
    `ALTER TABLE {db}.trace_summary ADD COLUMN IF NOT EXISTS tokens_bound SimpleAggregateFunction(sum, UInt64)
      DEFAULT ${rowBound('c.3 + c.4')}`,
    // One mutation for the three, in the background: until it has rewritten a part, reads compute the DEFAULTs
    // from the part's calls (the same values, at the cost of the path before), so the start does not wait.
    `ALTER TABLE {db}.trace_summary MATERIALIZE COLUMN trace_hash, MATERIALIZE COLUMN cost_bound,
      MATERIALIZE COLUMN tokens_bound`,
  ],
  down: [
    'ALTER TABLE {db}.trace_summary DROP COLUMN IF EXISTS tokens_bound',
    'ALTER TABLE {db}.trace_summary DROP COLUMN IF EXISTS cost_bound',
    'ALTER TABLE {db}.trace_summary DROP COLUMN IF EXISTS trace_hash',
  ],
};
