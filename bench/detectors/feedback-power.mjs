#!/usr/bin/env node
// Power of the per-topic negative-feedback test at the standard scenarios' traffic (README.md, "Feedback power"),
// per window as the detectors test it and with a "sustained" variant that pools the current window with the up to
// `--pool - 1` windows before it after the baseline (same cause key: the smaller p-value of the two counts once).
// A Monte Carlo of the feedback scenario's planted change (generate.mjs: the largest intent, 10.9% of calls at seed 1,
// 25% of calls rated, 15% -> 30% negative from current window 5) among the run's other hypotheses, which are null
// (uniform p-values), all under Benjamini-Hochberg at the false-alarm rate. Prints, per variant, how often the
// change is found within 2 windows of its start, and the share of null windows with any rejection.
//   node bench/detectors/feedback-power.mjs [--topics 60] [--trials 4000] [--pool 3] [--seed 1]

import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    topics: { type: 'string', default: '60' },
    trials: { type: 'string', default: '4000' },
    pool: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
  },
});
const TOPICS = Number(opt.topics);
const TRIALS = Number(opt.trials);
const POOL = Number(opt.pool);
const ALPHA = 0.01;
const MIN_SAMPLES = 30; // the detector settings' default (libs/api-schema)
const CALLS = 1000;
const SHARE = 0.109;
const RATED = 0.25;
const [BEFORE, AFTER] = [0.15, 0.3];
const BASELINE_WINDOWS = 6;
const CURRENT_WINDOWS = 10;
const CHANGE_AT = 5;
// Slices: all calls, 3 models, 2 releases (the environment is all calls, tested once), and the topics; 6 metric
// tests each (latency p50 and p95, error rate, tokens, cost, feedback), plus the topic detectors (a share test per
// topic, the chi-square, new topic, out of scope). The sustained variant adds a pooled rate test (error rate and
// feedback) per slice.
const SLICES = 6 + TOPICS;
const NULL_TESTS = 6 * SLICES - 1 + TOPICS + 3;
const NULL_SUSTAINED = 2 * SLICES - 1;

let state = Number(opt.seed) >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
function binomial(n, p) {
  if (n * p > 30 && n * (1 - p) > 30)
    return Math.max(0, Math.min(n, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal())));
  let x = 0;
  for (let i = 0; i < n; i++) if (random() < p) x++;
  return x;
}

/** Upper tail of the standard normal (Abramowitz-Stegun 7.1.26 through erfc). */
function normalSf(z) {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** One-sided pooled two-proportion z test (current rate above baseline). */
function twoProportion(b, c) {
  const pooled = (b.x + c.x) / (b.n + c.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / b.n + 1 / c.n));
  return se > 0 ? normalSf((c.x / c.n - b.x / b.n) / se) : 1;
}

/** Benjamini-Hochberg at ALPHA: the largest p-value rejected (every p at or below it is), -1 when none. */
function bhCut(pValues) {
  const all = [...pValues].sort((a, b) => a - b);
  let cut = -1;
  all.forEach((q, i) => {
    if (q <= ((i + 1) * ALPHA) / all.length) cut = q;
  });
  return cut;
}

function trial(sustained) {
  const ratings = (windows) =>
    binomial(Math.round(windows * (CALLS + Math.sqrt(CALLS) * normal()) * SHARE), RATED);
  const nb = ratings(BASELINE_WINDOWS);
  const baseline = { x: binomial(nb, BEFORE), n: nb };
  const windows = Array.from({ length: CURRENT_WINDOWS }, (_, w) => {
    const n = ratings(1);
    return { x: binomial(n, w >= CHANGE_AT ? AFTER : BEFORE), n };
  });
  let found = false;
  let falseAlarms = 0;
  windows.forEach((current, w) => {
    const tests = [];
    if (current.n >= MIN_SAMPLES) tests.push(twoProportion(baseline, current));
    if (sustained) {
      const pooled = windows.slice(Math.max(0, w - POOL + 1), w + 1);
      const sum = { x: pooled.reduce((s, v) => s + v.x, 0), n: pooled.reduce((s, v) => s + v.n, 0) };
      if (sum.n >= MIN_SAMPLES) tests.push(twoProportion(baseline, sum));
    }
    const others = Array.from({ length: NULL_TESTS + (sustained ? NULL_SUSTAINED : 0) }, random);
    const p = tests.length ? Math.min(...tests) : 1; // one cause key: its smallest p-value
    const cut = bhCut([...others, p]);
    if (w < CHANGE_AT && cut >= 0) falseAlarms++;
    if (w >= CHANGE_AT && w <= CHANGE_AT + 2 && p <= cut) found = true;
  });
  return { found, falseAlarms };
}

for (const sustained of [false, true]) {
  let found = 0;
  let falseAlarms = 0;
  for (let i = 0; i < TRIALS; i++) {
    const r = trial(sustained);
    if (r.found) found++;
    falseAlarms += r.falseAlarms;
  }
  console.log(
    `${sustained ? `sustained (pool ${POOL})` : 'per window'}: ${TOPICS} topics, ${NULL_TESTS + (sustained ? NULL_SUSTAINED : 0) + 1} tests per run; found within 2 windows ${(found / TRIALS).toFixed(3)}; null windows with a rejection ${(falseAlarms / (TRIALS * CHANGE_AT)).toFixed(4)} (${TRIALS} trials)`,
  );
}
