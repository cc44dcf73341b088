#!/usr/bin/env node
// Detector evaluation (see README.md): each scenario's calls go through a real Driftwatch server (OTLP in, detection
// over the range, /api/problems out) and are scored against the scenario's truth, beside two baselines run on the
// same request embeddings. Prints a table, then one JSON line per scenario.
//   npm run eval:detectors -- [--scenario FILE ...] [--mean-distance-threshold 0.1] [--auc-threshold 0.55]
//   (without --scenario: the standard set, generated with --seed into a temporary directory)

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBaselines } from './baselines.mjs';
import { runThroughDriftwatch } from './driftwatch.mjs';
import { DEFAULT_DATA, DEFAULTS, STANDARD_SCENARIOS, writeScenarios } from './generate.mjs';
import { readScenario, scoreScenario, totalScore, windowIndex } from './score.mjs';
import { snapshotBuild } from './server.mjs';
import { startEmbeddingsService } from './embeddings-service.mjs';
import { vectorsFor } from './text-vectors.mjs';

const { values: opt } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    data: { type: 'string', default: DEFAULT_DATA },
    seed: { type: 'string', default: String(DEFAULTS.seed) },
    // Phoenix ships no default; 0.1 is above the sampling noise of a 200-call window's mean (README.md).
    'mean-distance-threshold': { type: 'string', default: '0.1' },
    'auc-threshold': { type: 'string', default: '0.55' },
    'skip-driftwatch': { type: 'boolean', default: false },
    // Let the server embed with its local model inline (slow here: 8-25 calls/s) instead of the vectors computed
    // ahead and served by embeddings-service.mjs.
    'server-embeds': { type: 'boolean', default: false },
    // Dimensions turned on for every scenario beside the server's defaults and those the truth names (e.g. topic,
    // so nothing-changes scenarios are watched by topic too).
    dimension: { type: 'string', multiple: true },
    // Keep each scenario's server data dir (its path is logged) to inspect the store afterwards.
    keep: { type: 'boolean', default: false },
    // Another build's dist/server directory (e.g. a clean checkout's), instead of this worktree's dist/server.
    dist: { type: 'string' },
    // Shape of the generated standard set (ignored with --scenario).
    'calls-per-window': { type: 'string', default: String(DEFAULTS.callsPerWindow) },
    'baseline-windows': { type: 'string', default: String(DEFAULTS.baselineWindows) },
    'current-windows': { type: 'string', default: String(DEFAULTS.currentWindows) },
    'change-at': { type: 'string', default: String(DEFAULTS.changeAt) },
  },
});
const log = (line) => console.error(`[detectors-eval] ${line}`);
// A signal ends the process through exit(), whose hook (bench/ingest/lib/server.mjs) kills the server it started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.once(signal, () => {
    log(`${signal}: stopping`);
    process.exit(130);
  });

let files = opt.scenario ?? [];
if (files.length === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-detectors-'));
  files = writeScenarios(
    dir,
    STANDARD_SCENARIOS,
    {
      seed: Number(opt.seed),
      callsPerWindow: Number(opt['calls-per-window']),
      baselineWindows: Number(opt['baseline-windows']),
      currentWindows: Number(opt['current-windows']),
      changeAt: Number(opt['change-at']),
    },
    opt.data,
  ).map((w) => w.path);
  log(`generated the standard scenarios (seed ${opt.seed}) into ${dir}`);
}
// One build for the whole evaluation, whatever else rebuilds dist/ meanwhile.
const build = opt['skip-driftwatch'] ? null : snapshotBuild(opt.dist);
if (build) log(`server build ${build.hash} (a copy of dist/server/main.js)`);

const scenarios = files.map((f) => readScenario(f));
// Requests and responses: the texts the server embeds (the last user message and the answer).
const vectors = await vectorsFor(
  scenarios.flatMap((s) => s.calls.flatMap((c) => (c.response ? [c.request, c.response] : [c.request]))),
  log,
);
const service =
  opt['skip-driftwatch'] || opt['server-embeds'] ? null : await startEmbeddingsService(vectors, log);
if (service) log(`embeddings endpoint ${service.url} (all-MiniLM-L6-v2 vectors computed in the harness)`);

/** The window a problem opened in: its first window (the store keeps it), else the window it reports. */
function openedWindowMs(problem) {
  const t =
    problem.firstWindow?.fromMs ??
    problem.firstWindowFrom ??
    problem.openedWindow?.fromMs ??
    problem.current?.fromMs ??
    problem.current?.from;
  return typeof t === 'number' ? t : Date.parse(t);
}

const fmt = (x, d = 2) => (x == null || Number.isNaN(x) ? '-' : x.toFixed(d));
const cell = (s) =>
  s
    ? `${fmt(s.recall)} | ${fmt(s.falseAlarmRate, 3)} (${s.falseAlarmWindows}/${s.nullWindows}) | ${fmt(s.delayWindows, 1)}`
    : 'skipped | - | -';

const results = [];
for (const scenario of scenarios) {
  const name = scenario.header.scenario;
  log(
    `${name}: ${scenario.calls.length} calls, ${scenario.windowCount} current windows, truth ${JSON.stringify(scenario.header.truth)}`,
  );
  const baselines = await runBaselines(scenario, vectors, {
    meanDistanceThreshold: Number(opt['mean-distance-threshold']),
    aucThreshold: Number(opt['auc-threshold']),
  });
  let driftwatch = null;
  let skipped = [];
  if (!opt['skip-driftwatch']) {
    const run = await runThroughDriftwatch(scenario, {
      main: build.main,
      log: (l) => log(`${name}: ${l}`),
      embeddingsEnv: service?.env ?? null,
      dimensions: opt.dimension ?? [],
      keep: opt.keep,
    });
    skipped = run.skipped;
    const feedbackSkipped = run.notRun === true;
    const opened = run.problems.map((p) => ({
      kind: p.kind,
      dimension: p.dimension ?? undefined,
      value: p.value ?? undefined,
      window: windowIndex(openedWindowMs(p), scenario),
      title: p.title,
      severity: p.severity,
      pValue: p.pValue,
    }));
    driftwatch = feedbackSkipped
      ? { skipped: 'no feedback endpoint: the feedback truth cannot be tested', opened }
      : { score: scoreScenario(scenario, opened), opened };
    for (const s of skipped) log(`${name}: skipped: ${s}`);
  }
  results.push({ name, scenario, driftwatch, baselines, skipped });
  log(
    `${name}: Driftwatch ${driftwatch?.score ? cell(driftwatch.score) : 'skipped'}; mean distance ${cell(baselines.meanDistance.score)}; domain classifier ${cell(baselines.domainClassifier.score)}; opened ${JSON.stringify((driftwatch?.opened ?? []).map((o) => `${o.kind}${o.dimension ? `:${o.dimension}=${o.value}` : ''}@${o.window}`))}`,
  );
}

if (service) {
  log(`embeddings endpoint: ${JSON.stringify(service.stats)}`);
  await service.close();
}
console.log(
  '| scenario | Driftwatch recall | false alarms | delay | mean-distance recall | false alarms | delay | domain-classifier recall | false alarms | delay |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(
    `| ${r.name} | ${cell(r.driftwatch?.score)} | ${cell(r.baselines.meanDistance.score)} | ${cell(r.baselines.domainClassifier.score)} |`,
  );
// Totals over the scenarios Driftwatch ran, for all three methods alike.
const scored = (pick) =>
  results
    .filter((r) => !r.driftwatch?.skipped)
    .map(pick)
    .filter(Boolean);
console.log(
  `| **all** | ${cell(totalScore(scored((r) => r.driftwatch?.score)))} | ${cell(totalScore(scored((r) => r.baselines.meanDistance.score)))} | ${cell(totalScore(scored((r) => r.baselines.domainClassifier.score)))} |`,
);
// The baselines' fixed thresholds decide their trade-off: the same per-window values scored at other thresholds.
const sweep = (method, thresholds) =>
  thresholds.map((t) => {
    const total = totalScore(
      scored((r) =>
        scoreScenario(
          r.scenario,
          r.baselines[method].values.flatMap((v, w) => (v > t ? [{ kind: '*', window: w }] : [])),
        ),
      ),
    );
    return `${t}: recall ${fmt(total.recall)}, false alarms ${fmt(total.falseAlarmRate, 3)}`;
  });
console.log(
  `mean-distance threshold sweep: ${sweep('meanDistance', [0.07, 0.08, 0.09, 0.1, 0.12]).join('; ')}`,
);
console.log(`domain-classifier AUC sweep: ${sweep('domainClassifier', [0.55, 0.6, 0.65, 0.7]).join('; ')}`);
for (const r of results) {
  const s = r.driftwatch?.score;
  console.log(
    JSON.stringify({
      scenario: r.name,
      recall: s?.recall ?? null,
      falseAlarmRate: s?.falseAlarmRate ?? null,
      delayWindows: s?.delayWindows ?? null,
      problems: (r.driftwatch?.opened ?? []).map((p) => ({
        kind: p.kind,
        dimension: p.dimension,
        value: p.value,
        window: p.window,
        title: p.title,
      })),
      ...(r.driftwatch?.skipped && { skipped: r.driftwatch.skipped }),
      baselines: Object.fromEntries(
        Object.entries(r.baselines).map(([k, b]) => [
          k,
          {
            recall: b.score.recall,
            falseAlarmRate: b.score.falseAlarmRate,
            delayWindows: b.score.delayWindows,
            values: b.values,
          },
        ]),
      ),
    }),
  );
}
