import type { DetectionInput, SkippedCheck } from '@driftwatch/contracts';
import type { Candidate, DetectorOutput } from './candidate.js';
import { meanDistanceTest, mmdTest } from './embedding-drift.js';

/**
 * Global embedding drift of requests and of responses: the cheap check (distance of mean vectors) and the strong
 * one (MMD), each against its permutation null. Both go through multiple-testing control; a field yields at most one
 * finding (the strong check's when both pass: same cause), and detect() drops it when a topic finding explains it.
 */
export function driftCandidates(input: DetectionInput, seed: number): DetectorOutput {
  const candidates: Candidate[] = [];
  const skipped: SkippedCheck[] = [];
  for (const field of ['request', 'response'] as const) {
    const b = input.baselineVectors.filter((v) => v.field === field);
    const c = input.currentVectors.filter((v) => v.field === field);
    if (b.length < input.settings.minSamples || c.length < input.settings.minSamples) {
      if (b.length + c.length > 0)
        skipped.push({
          kind: 'embedding_drift',
          reason: `not enough data: ${b.length} baseline and ${c.length} current ${field} vectors (minimum ${input.settings.minSamples})`,
        });
      continue;
    }
    const label = field === 'request' ? 'Request' : 'Response';
    const tests = [
      { statistic: 'mean_vector_distance', result: meanDistanceTest(b, c, { seed }) },
      { statistic: 'mmd', result: mmdTest(b, c, { seed: seed + 1 }) },
    ];
    for (const { statistic, result } of tests) {
      // Effect: how far the statistic is above its own noise level (null mean), relative.
      const effect = result.nullMean > 0 ? result.statistic / result.nullMean - 1 : 0;
      const causeKey = `embedding_drift:${field}`;
      candidates.push({
        kind: 'embedding_drift',
        metric: `embedding_drift:${field}`,
        causeKey,
        pValue: result.pValue,
        effectSize: effect,
        reportable: true,
        finding: {
          kind: 'embedding_drift',
          causeKey,
          title: `${label} embeddings drifted from the baseline (${statistic === 'mmd' ? 'MMD' : 'mean-vector distance'} ${(1 + effect).toFixed(1)}x its baseline noise)`,
          statistic,
          score: result.statistic,
          effectSize: effect,
          baselineValue: result.nullMean,
          currentValue: result.statistic,
          trafficShare: 1,
          evidence: {
            exampleTraceIds: c.slice(0, 5).map((v) => v.traceId),
            details: {
              field,
              baselineVectors: b.length,
              currentVectors: c.length,
              nullMean: result.nullMean,
              nullSd: result.nullSd,
            },
          },
        },
      });
    }
  }
  return { candidates, skipped };
}
