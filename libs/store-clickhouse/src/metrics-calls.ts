/**
 * What the metrics count, shared by the summary's reads (metrics-query.ts) and the rollup (metrics-rollup.ts), so
 * a closed hour rolled up and the same hour read from the spans give the same figures.
 */

/** A call's model: the one that answered, else the one asked for. */
export const MODEL_KEY = "if(response_model != '', response_model, request_model)";

const HOUR = "toUInt32(toStartOfHour(start_time, 'UTC'))";

/**
 * The model calls whose usage adds up (counted-usage.ts: a counted span that is the parent of another counted span
 * of its trace is a wrapper and left out), deciding each call from its own hour and both neighbours: the children
 * set holds (trace, parent, hour) for each neighbour hour of each counted child, so a call is judged the same
 * whichever range or rollup pass reads it. `childWindow` must cover an hour either side of the calls read (more
 * only costs time). Binds projectId and whatever childWindow binds. GLOBAL: on a cluster the set is built once.
 */
export function countedCallCondition(database: string, childWindow: string): string {
  return `(usage_counted = 1 AND cityHash64(trace_id, span_id, ${HOUR}) GLOBAL NOT IN (
      SELECT cityHash64(trace_id, parent_span_id, toUInt32(${HOUR} + d))
      FROM ${database}.spans ARRAY JOIN [-3600, 0, 3600] AS d
      WHERE project_id = {projectId:String} AND (${childWindow})
        AND usage_counted = 1 AND parent_span_id != ''))`;
}

/** A start_time range condition on bound epoch-ms parameters `${name}Lo` (inclusive) and `${name}Hi`. */
export function timeRange(name: string): string {
  return `(start_time >= fromUnixTimestamp64Milli({${name}Lo:Int64})
        AND start_time < fromUnixTimestamp64Milli({${name}Hi:Int64}))`;
}

export const HOUR_MS = 3_600_000;

/** The window of children that decides the calls of [loMs, hiMs): their hours, one more hour either side. */
export function childWindowOf(loMs: number, hiMs: number): [number, number] {
  const firstHour = Math.floor(loMs / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor((hiMs - 1) / HOUR_MS) * HOUR_MS;
  return [firstHour - HOUR_MS, lastHour + 2 * HOUR_MS];
}
