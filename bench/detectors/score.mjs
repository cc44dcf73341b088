// Scoring of one scenario (README.md): recall within 2 windows of a change's start, false-alarm windows, delay.
// Pure functions over the scenario's header, its windows and the problems (or baseline alarms) with the window
// each opened in; no I/O.

import { readFileSync } from 'node:fs';
import { parseWindow } from './generate.mjs';

/** How many windows after its start a change may be found in and still count (0, 1 or 2 windows late). */
export const FOUND_WITHIN = 2;

const TRUTH_KINDS = new Set([
  'topic_shift',
  'new_topic',
  'out_of_scope',
  'latency',
  'error_rate',
  'cost',
  'feedback',
]);

/** Reads a scenario file: the header (validated) and its calls. Errors name the line that is wrong. */
export function readScenario(path) {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${path}: a header line and at least one call are needed`);
  const parse = (line, i) => {
    try {
      return JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${i + 1}: not JSON (${error.message})`);
    }
  };
  const header = parse(lines[0], 0);
  const at = `${path}:1`;
  if (typeof header.scenario !== 'string' || header.scenario === '')
    throw new Error(`${at}: "scenario" (a name) is missing`);
  const windowMs = parseWindow(header.window);
  const baseline = { fromMs: Date.parse(header.baseline?.from), toMs: Date.parse(header.baseline?.to) };
  if (!(baseline.fromMs < baseline.toMs)) throw new Error(`${at}: "baseline" needs ISO "from" before "to"`);
  if (!Array.isArray(header.truth))
    throw new Error(`${at}: "truth" must be an array (empty when nothing changes)`);
  const truth = header.truth.map((t, i) => {
    if (!TRUTH_KINDS.has(t.kind))
      throw new Error(`${at}: truth[${i}].kind "${t.kind}" is not one of ${[...TRUTH_KINDS].join(', ')}`);
    const fromMs = Date.parse(t.from);
    if (!Number.isFinite(fromMs)) throw new Error(`${at}: truth[${i}].from is not an ISO time`);
    return { ...t, fromMs };
  });
  const calls = lines.slice(1).map((line, i) => {
    const call = parse(line, i + 1);
    const timeMs = Date.parse(call.time);
    if (!Number.isFinite(timeMs)) throw new Error(`${path}:${i + 2}: "time" is not an ISO time`);
    if (typeof call.request !== 'string') throw new Error(`${path}:${i + 2}: "request" must be a string`);
    return { ...call, timeMs };
  });
  const lastMs = Math.max(...calls.map((c) => c.timeMs));
  // Current windows: from the end of the baseline to the window that holds the last call.
  const windowCount = Math.max(1, Math.ceil((lastMs + 1 - baseline.toMs) / windowMs));
  return {
    header,
    calls,
    windowMs,
    baseline,
    truth,
    current: { fromMs: baseline.toMs, toMs: baseline.toMs + windowCount * windowMs },
    windowCount,
  };
}

/** Index of the current window holding `ms` (negative before the current range). */
export const windowIndex = (ms, scenario) => Math.floor((ms - scenario.current.fromMs) / scenario.windowMs);

const matches = (truth, opened) =>
  (opened.kind === '*' || opened.kind === truth.kind) &&
  (truth.dimension == null || opened.dimension === truth.dimension) &&
  (truth.value == null || opened.value === truth.value);

/**
 * Scores what opened in which window against the truth. `opened`: [{ kind, dimension?, value?, window }] with
 * `window` the current-window index it opened in; kind '*' (a baseline's alarm) matches any truth.
 *   recall: truths with a matching opening 0..FOUND_WITHIN windows after their start / truths (null without truth)
 *   falseAlarmRate: windows before the first change in which anything opened / those windows (null if none)
 *   delayWindows: mean windows from a found truth's start to its first matching opening (null if none found)
 */
export function scoreScenario(scenario, opened) {
  const starts = scenario.truth.map((t) => windowIndex(t.fromMs, scenario));
  const firstChange = starts.length ? Math.min(...starts) : scenario.windowCount;
  const nullWindows = Math.max(0, Math.min(firstChange, scenario.windowCount));
  const alarmWindows = new Set(opened.map((o) => o.window).filter((w) => w >= 0 && w < nullWindows));
  const found = scenario.truth.map((t, i) => {
    const hit = opened
      .filter((o) => matches(t, o) && o.window >= starts[i] && o.window <= starts[i] + FOUND_WITHIN)
      .sort((a, b) => a.window - b.window)[0];
    return { truth: t, start: starts[i], found: Boolean(hit), delay: hit ? hit.window - starts[i] : null };
  });
  const delays = found.filter((f) => f.found).map((f) => f.delay);
  return {
    truths: found.length,
    found: delays.length,
    recall: found.length ? delays.length / found.length : null,
    nullWindows,
    falseAlarmWindows: alarmWindows.size,
    falseAlarmRate: nullWindows ? alarmWindows.size / nullWindows : null,
    delayWindows: delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : null,
    detail: found,
  };
}

/** Pools scenario scores: recall over all truths, false alarms over all null windows, mean delay of all finds. */
export function totalScore(scores) {
  const sum = (f) => scores.reduce((a, s) => a + f(s), 0);
  const truths = sum((s) => s.truths);
  const found = sum((s) => s.found);
  const nullWindows = sum((s) => s.nullWindows);
  const delaySum = sum((s) => (s.delayWindows ?? 0) * s.found);
  return {
    truths,
    found,
    recall: truths ? found / truths : null,
    nullWindows,
    falseAlarmWindows: sum((s) => s.falseAlarmWindows),
    falseAlarmRate: nullWindows ? sum((s) => s.falseAlarmWindows) / nullWindows : null,
    delayWindows: found ? delaySum / found : null,
  };
}
