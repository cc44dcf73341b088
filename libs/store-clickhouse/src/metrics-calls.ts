/**
 * What the metrics count, shared by the summary's reads (metrics-query.ts) and the rollup (metrics-rollup.ts), so
 * a closed hour rolled up and the same hour read from the spans give the same figures.
 */

/** A call's model: the one that answered, else the one asked for. */
export const MODEL_KEY = "if(response_model != '', response_model, request_model)";

const HOUR = "toUInt32(toStartOfHour(start_time, 'UTC'))";
const SECOND = 'toUInt32(toUnixTimestamp(start_time))';

/** How close to an hour's edge a child must start to decide a call of the neighbouring hour. */
export const EDGE_SECONDS = 600;

/**
 * The hours a counted child span decides calls of: its own, and the neighbouring hour when it starts within
 * EDGE_SECONDS of that edge. Migration 020's view marks the same hours as changed when such a span arrives.
 */
const CHILD_HOURS = `arrayFilter(x -> x != 0, [${HOUR},
      if(${SECOND} - ${HOUR} < ${EDGE_SECONDS}, ${HOUR} - 3600, 0),
      if(${SECOND} - ${HOUR} >= ${3600 - EDGE_SECONDS}, ${HOUR} + 3600, 0)])`;

/**
 * The model calls whose usage adds up (counted-usage.ts: a counted span that is the parent of another counted span
 * of its trace is a wrapper and left out), a wrapper being found by the children that start within its hour or
 * within EDGE_SECONDS of it: the children set holds (trace, parent, hour) for each hour a child decides, so a call
 * is judged the same whichever range or rollup pass reads it, and a span arriving late changes at most its own
 * hour and one neighbour. `childWindow` must cover the calls' hours and EDGE_SECONDS either side (more only costs
 * time). Binds projectId and whatever childWindow binds. GLOBAL: on a cluster the set is built once.
 */
export function countedCallCondition(database: string, childWindow: string): string {
  return `(usage_counted = 1 AND cityHash64(trace_id, span_id, ${HOUR}) GLOBAL NOT IN (
      SELECT cityHash64(trace_id, parent_span_id, toUInt32(arrayJoin(${CHILD_HOURS})))
      FROM ${database}.spans
      WHERE project_id = {projectId:String} AND (${childWindow})
        AND usage_counted = 1 AND parent_span_id != ''))`;
}

/** A start_time range condition on bound epoch-ms parameters `${name}Lo` (inclusive) and `${name}Hi`. */
export function timeRange(name: string): string {
  return `(start_time >= fromUnixTimestamp64Milli({${name}Lo:Int64})
        AND start_time < fromUnixTimestamp64Milli({${name}Hi:Int64}))`;
}

export const HOUR_MS = 3_600_000;

/** The window of children that decides the calls of [loMs, hiMs): their hours and EDGE_SECONDS either side. */
export function childWindowOf(loMs: number, hiMs: number): [number, number] {
  const firstHour = Math.floor(loMs / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor((hiMs - 1) / HOUR_MS) * HOUR_MS;
  return [firstHour - EDGE_SECONDS * 1000, lastHour + HOUR_MS + EDGE_SECONDS * 1000];
}
