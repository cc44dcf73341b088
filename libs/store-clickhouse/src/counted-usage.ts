/**
 * Which spans' tokens and cost add up, decided when read. At ingest `usage_counted` marks the innermost model
 * calls of one export request, but a BatchSpanProcessor often exports a wrapper model span (a framework's span
 * around the provider span) in another request than its inner call, so both arrive counted. A counted span that
 * is the parent of another counted span of the same trace is such a wrapper and is left out, whatever the export
 * order. Agent and step spans are never counted in the first place.
 *
 * The set of (trace, parent) pairs is hashed to 8 bytes each, so its memory is bounded by the model calls of the
 * range (as is the scan). GLOBAL: on a cluster the set is built once and sent to the shards (a plain IN over the
 * Distributed table would be a denied double-distributed subquery). Queries using it bind projectId, fromMs, toMs.
 */
export function countedUsageCondition(database: string): string {
  return `(usage_counted = 1 AND cityHash64(trace_id, span_id) GLOBAL NOT IN (
      SELECT cityHash64(trace_id, parent_span_id)
      FROM ${database}.spans
      WHERE project_id = {projectId:String}
        AND start_time >= fromUnixTimestamp64Milli({fromMs:Int64})
        AND start_time < fromUnixTimestamp64Milli({toMs:Int64})
        AND usage_counted = 1 AND parent_span_id != ''))`;
}

/** The same rule over the spans of one trace in hand (trace detail). */
export function countedSpanIds(
  spans: ReadonlyArray<{ span_id: string; parent_span_id: string; usage_counted: number }>,
): Set<string> {
  const parentsOfCounted = new Set<string>();
  for (const s of spans)
    if (s.usage_counted === 1 && s.parent_span_id) parentsOfCounted.add(s.parent_span_id);
  const counted = new Set<string>();
  for (const s of spans)
    if (s.usage_counted === 1 && !parentsOfCounted.has(s.span_id)) counted.add(s.span_id);
  return counted;
}
