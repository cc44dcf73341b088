// The two reference methods on the same request vectors, window by window against the scenario's baseline:
// mean-vector distance with a fixed threshold (what Phoenix shipped) and a domain classifier's AUC > 0.55
// (Evidently's default). Both come from libs/detectors; here they are only run and their alarms scored.

import { importTs } from '../topics/vectors.mjs';
import { scoreScenario, windowIndex } from './score.mjs';

let lib;
async function detectors() {
  lib ??= await importTs('libs/detectors/src/embedding-drift.ts', 'detectors-embedding-drift');
  return lib;
}

/**
 * Alarms and scores of both baselines for one scenario. `vectors`: Map request text -> Float32Array.
 * Returns { meanDistance: {score, values}, domainClassifier: {score, values} } with one value per current window.
 */
export async function runBaselines(scenario, vectors, { meanDistanceThreshold, aucThreshold, seed = 1 }) {
  const { meanVectorDistanceBaseline, domainClassifierBaseline } = await detectors();
  const baseline = [];
  const windows = Array.from({ length: scenario.windowCount }, () => []);
  for (const call of scenario.calls) {
    const v = vectors.get(call.request);
    if (call.timeMs >= scenario.baseline.fromMs && call.timeMs < scenario.baseline.toMs) baseline.push(v);
    const w = windowIndex(call.timeMs, scenario);
    if (w >= 0 && w < windows.length) windows[w].push(v);
  }
  const methods = {
    meanDistance: (current) => meanVectorDistanceBaseline(baseline, current, meanDistanceThreshold),
    domainClassifier: (current, w) =>
      domainClassifierBaseline(baseline, current, aucThreshold, { seed: seed + w }),
  };
  const out = {};
  for (const [name, test] of Object.entries(methods)) {
    const results = windows.map((current, w) =>
      current.length >= 2 ? test(current, w) : { drift: false, value: NaN },
    );
    const opened = results.flatMap((r, w) => (r.drift ? [{ kind: '*', window: w }] : []));
    out[name] = {
      score: scoreScenario(scenario, opened),
      values: results.map((r) => Math.round(r.value * 1e4) / 1e4),
    };
  }
  return out;
}
