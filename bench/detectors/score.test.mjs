// node --test bench/detectors/score.test.mjs   (the scoring and the generator's planted changes)

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULTS, generateScenario, loadPools, toJsonl } from './generate.mjs';
import { readScenario, scoreScenario, totalScore, windowIndex } from './score.mjs';

const H = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00.000Z');
const iso = (ms) => new Date(ms).toISOString();

/** A scenario of 4 baseline and 10 current windows of 1h; truth starts at current window 6. */
function scenario(truth) {
  const dir = mkdtempSync(join(tmpdir(), 'dw-score-'));
  const path = join(dir, 's.jsonl');
  const header = { scenario: 's', window: '1h', baseline: { from: iso(T0), to: iso(T0 + 4 * H) }, truth };
  const calls = [0, 13.5].map((h) => ({
    time: iso(T0 + h * H),
    request: 'q',
    response: 'a',
    model: 'm',
    release: 'r',
  }));
  writeFileSync(path, toJsonl({ header, calls }));
  return readScenario(path);
}
const START = iso(T0 + 10 * H); // current window 6

test('reads the windows: current range from the baseline end to the window of the last call', () => {
  const s = scenario([]);
  assert.equal(s.windowMs, H);
  assert.equal(s.windowCount, 10);
  assert.equal(s.current.fromMs, T0 + 4 * H);
  assert.equal(windowIndex(T0 + 4 * H, s), 0);
  assert.equal(windowIndex(T0 + 4 * H - 1, s), -1);
  assert.equal(windowIndex(T0 + 13.9 * H, s), 9);
});

test('a truth is found by an opening of its kind and dimension value 0-2 windows after its start', () => {
  const s = scenario([{ kind: 'latency', from: START, dimension: 'model', value: 'gpt-4.1' }]);
  const hit = scoreScenario(s, [{ kind: 'latency', dimension: 'model', value: 'gpt-4.1', window: 7 }]);
  assert.deepEqual([hit.recall, hit.delayWindows, hit.falseAlarmRate], [1, 1, 0]);
  assert.equal(hit.nullWindows, 6);
  // Too late (3 windows), wrong value, wrong kind, project-wide while the truth names a model: all missed.
  for (const o of [
    { kind: 'latency', dimension: 'model', value: 'gpt-4.1', window: 9 },
    { kind: 'latency', dimension: 'model', value: 'gpt-4o-mini', window: 6 },
    { kind: 'error_rate', dimension: 'model', value: 'gpt-4.1', window: 6 },
    { kind: 'latency', window: 6 },
  ]) {
    const miss = scoreScenario(s, [o]);
    assert.equal(miss.recall, 0, JSON.stringify(o));
    assert.equal(miss.delayWindows, null);
    assert.equal(miss.falseAlarmRate, 0); // opened after the change: not a false alarm
  }
});

test('without dimension in the truth any value matches; the earliest matching opening sets the delay', () => {
  const s = scenario([{ kind: 'feedback', from: START, dimension: 'topic' }]);
  const r = scoreScenario(s, [
    { kind: 'feedback', dimension: 'topic', value: 't9', window: 8 },
    { kind: 'feedback', dimension: 'topic', value: 't2', window: 6 },
  ]);
  assert.deepEqual([r.recall, r.delayWindows], [1, 0]);
});

test('an opening before the change is a false alarm and does not find it', () => {
  const s = scenario([{ kind: 'cost', from: START }]);
  const r = scoreScenario(s, [
    { kind: 'cost', window: 4 },
    { kind: 'latency', window: 4 },
    { kind: 'error_rate', window: 1 },
  ]);
  assert.equal(r.recall, 0);
  assert.equal(r.falseAlarmWindows, 2); // windows 1 and 4, each counted once
  assert.equal(r.falseAlarmRate, 2 / 6);
});

test('nothing-changes scenarios: every window is a null window, recall is null', () => {
  const s = scenario([]);
  const r = scoreScenario(s, [{ kind: '*', window: 3 }]);
  assert.deepEqual([r.recall, r.falseAlarmRate, r.nullWindows, r.delayWindows], [null, 0.1, 10, null]);
  assert.equal(scoreScenario(s, []).falseAlarmRate, 0);
});

test("a baseline's alarm (kind *) finds any truth", () => {
  const s = scenario([{ kind: 'new_topic', from: START }]);
  assert.equal(scoreScenario(s, [{ kind: '*', window: 8 }]).recall, 1);
});

test('totals pool truths, null windows and delays over scenarios', () => {
  const t = totalScore([
    { truths: 1, found: 1, nullWindows: 6, falseAlarmWindows: 0, delayWindows: 2 },
    { truths: 1, found: 0, nullWindows: 6, falseAlarmWindows: 1, delayWindows: null },
    { truths: 0, found: 0, nullWindows: 12, falseAlarmWindows: 0, delayWindows: null },
  ]);
  assert.deepEqual([t.recall, t.falseAlarmRate, t.delayWindows], [0.5, 1 / 24, 2]);
});

test('bad headers are refused with the line and field that are wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-score-'));
  const path = join(dir, 'bad.jsonl');
  const call = JSON.stringify({ time: iso(T0), request: 'q' });
  writeFileSync(
    path,
    `${JSON.stringify({ scenario: 'x', window: '1h', baseline: { from: iso(T0), to: iso(T0 + H) }, truth: [{ kind: 'drift', from: iso(T0) }] })}\n${call}\n`,
  );
  assert.throws(() => readScenario(path), /bad\.jsonl:1: truth\[0\]\.kind "drift"/);
  writeFileSync(
    path,
    `${JSON.stringify({ scenario: 'x', window: 'hourly', baseline: {}, truth: [] })}\n${call}\n`,
  );
  assert.throws(() => readScenario(path), /window "hourly"/);
});

const pools = loadPools();
const stats = (name) => {
  const { header, calls } = generateScenario(name, pools, { ...DEFAULTS, callsPerWindow: 1500 });
  const change = Date.parse(header.truth[0]?.from ?? '2100-01-01');
  const split = (f) =>
    [calls.filter((c) => Date.parse(c.time) < change), calls.filter((c) => Date.parse(c.time) >= change)].map(
      f,
    );
  return { header, calls, split };
};
const quantile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];

test('generator: the same seed gives the same file, another seed another file', () => {
  const a = toJsonl(generateScenario('stable-1', pools, { ...DEFAULTS, callsPerWindow: 20 }));
  const b = toJsonl(generateScenario('stable-1', pools, { ...DEFAULTS, callsPerWindow: 20 }));
  const c = toJsonl(generateScenario('stable-1', pools, { ...DEFAULTS, callsPerWindow: 20, seed: 5 }));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('generator: planted changes have the stated size (large sample)', () => {
  const lat = stats('latency-p95').split((cs) =>
    cs.filter((c) => c.model === 'gpt-4.1' && !c.error).map((c) => c.latencyMs),
  );
  const p95 = lat.map((xs) => quantile(xs, 0.95));
  assert.ok(Math.abs(p95[1] / p95[0] - 1.4) < 0.1, `p95 ${p95}`);
  const p50 = lat.map((xs) => quantile(xs, 0.5));
  assert.ok(Math.abs(p50[1] / p50[0] - 1) < 0.05, `p50 ${p50}`);

  const err = stats('error-rate').split((cs) => {
    const r = cs.filter((c) => c.release === '2.4.0');
    return r.filter((c) => c.error).length / r.length;
  });
  assert.ok(Math.abs(err[0] - 0.01) < 0.004 && Math.abs(err[1] - 0.04) < 0.008, `error rates ${err}`);

  const tokens = stats('cost').split((cs) => {
    const m = cs.filter((c) => c.model === 'gpt-4o-mini');
    return m.reduce((a, c) => a + c.inputTokens * 0.15 + c.outputTokens * 0.6, 0) / m.length;
  });
  assert.ok(Math.abs(tokens[1] / tokens[0] - 1.3) < 0.03, `cost per call ${tokens}`);

  const oos = stats('out-of-scope').split(
    (cs) => cs.filter((c) => c.response.startsWith('Sorry')).length / cs.length,
  );
  assert.ok(Math.abs(oos[0] - 0.02) < 0.005 && Math.abs(oos[1] - 0.1) < 0.01, `out-of-scope ${oos}`);
});

test('generator: the new intent is absent from the baseline and 5% after; stable has no truth', () => {
  const { header, split } = stats('new-intent');
  assert.deepEqual(
    header.truth.map((t) => t.kind),
    ['new_topic'],
  );
  const intentTexts = (intent) => new Set(pools.byIntent.get(intent));
  const s = generateScenario('new-intent', pools, { ...DEFAULTS, callsPerWindow: 10 }).details;
  const texts = intentTexts(s.intent);
  const share = split((cs) => cs.filter((c) => texts.has(c.request)).length / cs.length);
  assert.equal(share[0], 0);
  assert.ok(Math.abs(share[1] - 0.05) < 0.01, `share ${share}`);
  assert.deepEqual(generateScenario('stable-2', pools, { ...DEFAULTS, callsPerWindow: 10 }).header.truth, []);
});

test('generator: the feedback scenario carries 3x the traffic unless told otherwise', () => {
  const count = (name, extra = {}) =>
    generateScenario(name, pools, { ...DEFAULTS, callsPerWindow: 40, ...extra }).calls.length;
  const windows = DEFAULTS.baselineWindows + DEFAULTS.currentWindows;
  assert.ok(
    Math.abs(count('feedback') - 120 * windows) < 6 * Math.sqrt(120 * windows),
    `${count('feedback')}`,
  );
  assert.ok(Math.abs(count('stable-1') - 40 * windows) < 6 * Math.sqrt(40 * windows), `${count('stable-1')}`);
  const single = count('feedback', { feedbackTraffic: 1 });
  assert.ok(Math.abs(single - 40 * windows) < 6 * Math.sqrt(40 * windows), `${single}`);
});
