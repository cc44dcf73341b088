import type { FeedbackScope, FeedbackSettings } from '@driftwatch/contracts';

/**
 * THE definition of negative feedback (every reader of negativity goes through negativeExpression):
 * - boolean values (thumbs; a name configured as boolean also stores 1/0 as true/false): false is negative;
 * - numbers: negative when below the name's `negativeBelow`; a name not configured uses 0.5 (so 0/1 thumbs,
 *   -1/1 thumbs and 0..1 scores read naturally); a numeric name configured without negativeBelow is a score,
 *   never a judgement;
 * - strings: for a categorical name, negative when the label is one of its `negativeLabels`, positive otherwise;
 *   a string under a name not configured as categorical is no judgement.
 * Per trace (negativeFeedback of the detectors, the traces list and the metrics): only the latest item per
 * (trace, span, name, user) counts, so a user who changes their mind is read once; items without a user each
 * count. A trace is negative when any counted judgement is, positive when judged and none is, else unjudged.
 * Feedback naming only a span is joined to its trace through the spans when read, so it may arrive first.
 */
export const DEFAULT_NEGATIVE_BELOW = 0.5;

/**
 * With trace ids: where those traces' spans lie (epoch ms, inclusive), when the caller knows; feedback naming only
 * a span is resolved through the spans of this window.
 */
export interface SpanWindow {
  fromMs: number;
  toMs: number;
}

/** How far before a range's start a judgement of a call in it may be dated (client clocks drift). */
const FEEDBACK_CLOCK_MARGIN_MS = 86_400_000;

/** Nullable(UInt8): 1 negative, 0 positive, NULL no judgement. Reads the feedback table's columns. */
export function negativeExpression(settings: FeedbackSettings, params: Record<string, unknown>): string {
  const thresholds = settings.names.flatMap((n) =>
    n.type === 'numeric' && n.negativeBelow !== undefined ? [[n.name, n.negativeBelow] as const] : [],
  );
  params.fbThrNames = thresholds.map(([name]) => name);
  params.fbThrValues = thresholds.map(([, value]) => value);
  params.fbScoreOnly = settings.names.flatMap((n) =>
    n.type === 'numeric' && n.negativeBelow === undefined ? [n.name] : [],
  );
  params.fbCategorical = settings.names.flatMap((n) => (n.type === 'categorical' ? [n.name] : []));
  params.fbNegativeLabels = settings.names.flatMap((n) =>
    n.type === 'categorical' ? n.negativeLabels.map((label) => `${n.name}=${label}`) : [],
  );
  params.fbDefaultBelow = DEFAULT_NEGATIVE_BELOW;
  // Names cannot hold '=', so "name=label" pairs are unambiguous.
  return `multiIf(
      value_type = 'boolean', toNullable(toUInt8(value_number = 0)),
      value_type = 'number' AND has({fbScoreOnly:Array(String)}, toString(name)), CAST(NULL, 'Nullable(UInt8)'),
      value_type = 'number', toNullable(toUInt8(value_number < transform(toString(name), {fbThrNames:Array(String)}, {fbThrValues:Array(Float64)}, {fbDefaultBelow:Float64}))),
      has({fbCategorical:Array(String)}, toString(name)), toNullable(toUInt8(has({fbNegativeLabels:Array(String)}, concat(toString(name), '=', value_string)))),
      CAST(NULL, 'Nullable(UInt8)'))`;
}

/**
 * The project's feedback items in scope with their trace resolved (`tid`) and their negativity: by trace ids
 * (items naming the trace, or one of its spans), or by a time range of the spans (items on traces with spans
 * in the range). Columns: tid, feedback_id, span_id, name, user_id, value_type, value_number, time, negative.
 */
function resolvedItemsSql(
  database: string,
  settings: FeedbackSettings,
  scope: FeedbackScope,
  params: Record<string, unknown>,
  forJoin: boolean,
  spanWindow?: SpanWindow,
): string {
  const negative = negativeExpression(settings, params);
  let itemFilter: string;
  let spanFilter: string;
  let traceFilter = '';
  if ('traceIds' in scope) {
    params.fbTraceIds = [...scope.traceIds];
    spanFilter = 'trace_id IN {fbTraceIds:Array(String)}';
    if (spanWindow) {
      // The spans sort by time first: a window turns a scan of every day's trace-id index into a few granules.
      params.fbSpanFromMs = Math.floor(spanWindow.fromMs);
      params.fbSpanToMs = Math.ceil(spanWindow.toMs);
      spanFilter += ` AND start_time >= fromUnixTimestamp64Milli({fbSpanFromMs:Int64})
        AND start_time <= fromUnixTimestamp64Milli({fbSpanToMs:Int64})`;
    }
    itemFilter = `(trace_id IN {fbTraceIds:Array(String)} OR (trace_id = '' AND span_id IN (
        SELECT span_id FROM ${database}.spans WHERE project_id = {projectId:String} AND ${spanFilter})))`;
  } else {
    params.fbFromMs = Math.floor(scope.fromMs);
    params.fbToMs = Math.ceil(scope.toMs);
    params.fbSinceMs = Math.floor(scope.fromMs - FEEDBACK_CLOCK_MARGIN_MS);
    itemFilter = 'time >= fromUnixTimestamp64Milli({fbSinceMs:Int64})';
    spanFilter = `start_time >= fromUnixTimestamp64Milli({fbFromMs:Int64})
        AND start_time < fromUnixTimestamp64Milli({fbToMs:Int64})`;
    // Joined to spans of the range, the join itself restricts the traces.
    if (!forJoin)
      traceFilter = `AND tid IN (SELECT trace_id FROM ${database}.trace_index
        WHERE project_id = {projectId:String}
        GROUP BY trace_id
        HAVING max(start_max) >= fromUnixTimestamp64Milli({fbFromMs:Int64})
           AND min(start_min) < fromUnixTimestamp64Milli({fbToMs:Int64}))`;
  }
  const items = `SELECT feedback_id, trace_id, span_id, name, user_id, value_type, value_number, time,
        ${negative} AS negative
      FROM ${database}.feedback FINAL
      WHERE project_id = {projectId:String} AND ${itemFilter}`;
  return `SELECT if(i.trace_id != '', i.trace_id, s.s_trace) AS tid, i.feedback_id AS feedback_id,
        i.span_id AS span_id, i.name AS name, i.user_id AS user_id, i.value_type AS value_type,
        i.value_number AS value_number, i.time AS time, i.negative AS negative
      FROM (${items}) AS i
      LEFT JOIN (
        SELECT span_id AS s_span, any(trace_id) AS s_trace FROM ${database}.spans
        WHERE project_id = {projectId:String} AND ${spanFilter}
          AND span_id IN (SELECT span_id FROM ${database}.feedback
                          WHERE project_id = {projectId:String} AND trace_id = '' AND ${itemFilter})
        GROUP BY span_id
      ) AS s ON i.span_id = s.s_span
      WHERE tid != '' ${traceFilter}`;
}

/** The latest item per (trace, span, name, user); each item without a user stands alone. */
function latestJudgementsSql(
  database: string,
  settings: FeedbackSettings,
  scope: FeedbackScope,
  params: Record<string, unknown>,
  forJoin = false,
  spanWindow?: SpanWindow,
): string {
  return `SELECT tid, name,
        argMax(tuple(negative, value_number, value_type), time) AS latest
      FROM (${resolvedItemsSql(database, settings, scope, params, forJoin, spanWindow)})
      GROUP BY tid, span_id, name, if(user_id = '', feedback_id, user_id)`;
}

/**
 * Per trace: fb_trace, fb_count (items counted), fb_judged (of them judgements), fb_negative (1 when any is
 * negative). For a join or an IN set against spans of the same scope (metrics, the traces list filter), or by
 * trace ids (a traces-list page): with a time scope, rows may include traces outside the range, which the join
 * or the set drops.
 */
export function perTraceFeedbackSql(
  database: string,
  settings: FeedbackSettings,
  scope: FeedbackScope,
  params: Record<string, unknown>,
  spanWindow?: SpanWindow,
): string {
  return `SELECT tid AS fb_trace, count() AS fb_count,
        countIf(isNotNull(latest.1)) AS fb_judged,
        toUInt8(countIf(latest.1 = 1) > 0) AS fb_negative
      FROM (${latestJudgementsSql(database, settings, scope, params, true, spanWindow)})
      GROUP BY tid`;
}

/** Per trace and name: counts, judgements and the sum and count of numeric (booleans as 1/0) values. */
export function perTraceNameFeedbackSql(
  database: string,
  settings: FeedbackSettings,
  scope: FeedbackScope,
  params: Record<string, unknown>,
): string {
  return `SELECT tid, toString(name) AS name, count() AS n,
        countIf(isNotNull(latest.1)) AS judged,
        countIf(latest.1 = 1) AS negatives,
        sumIf(latest.2, latest.3 IN ('boolean', 'number')) AS score_sum,
        countIf(latest.3 IN ('boolean', 'number')) AS score_n
      FROM (${latestJudgementsSql(database, settings, scope, params)})
      GROUP BY tid, name`;
}
