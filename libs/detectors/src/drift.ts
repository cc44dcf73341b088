import type { DetectionInput, SkippedCheck } from '@driftwatch/contracts';
import type { Candidate, DetectorOutput } from './candidate.js';
import { classifierTest, meanDistanceTest } from './embedding-drift.js';

/**
 * Global embedding drift of requests and of responses: the cheap check (distance of mean vectors) and the strong
 * one (a classifier two-sample test), each judged against a null from the windows themselves. Both go through multiple-testing control; a field yields at most one
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
    const dims = new Set([...b, ...c].map((v) => v.vector.length));
    if (dims.size > 1)
      throw new Error(
        `${field} vectors of different lengths (${[...dims].join(', ')}): was the embedding model changed?`,
      );
    const label = field === 'request' ? 'Request' : 'Response';
    const tests = [
      { statistic: 'mean_vector_distance', result: meanDistanceTest(b, c, { seed }) },
      { statistic: 'classifier_auc', result: classifierTest(b, c, { seed: seed + 1 }) },
    ];
    for (const { statistic, result } of tests) {
      // Effect: the mean distance relative to its null mean; the classifier's Gini, 2 x (AUC - 0.5), so minEffect 0.1
      // asks for AUC >= 0.55 (Evidently's default threshold).
      const effect =
        statistic === 'classifier_auc'
          ? 2 * (result.statistic - 0.5)
          : result.nullMean > 0
            ? result.statistic / result.nullMean - 1
            : 0;
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
          title:
            statistic === 'classifier_auc'
              ? `${label} embeddings drifted from the baseline (a classifier tells them apart, AUC ${result.statistic.toFixed(2)})`
              : `${label} embeddings drifted from the baseline (mean-vector distance ${(1 + effect).toFixed(1)}x its baseline noise)`,
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
