#!/usr/bin/env node
// Seeded generator of detector-evaluation scenarios (JSONL, format in README.md) from CLINC150's queries.
//   node bench/detectors/generate.mjs [--out DIR] [--data DIR] [--seed 1] [--start ISO] [--only a,b]
//        [--calls-per-window 200] [--baseline-windows 8] [--current-windows 12] [--change-at 6]
//        [--feedback-traffic 3]   (the feedback scenario's calls per window, as a multiple of the others')
// Writes DIR/<scenario>.jsonl for each standard scenario and prints what each one changed on stderr.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { prng } from '../ingest/lib/spans.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DATA = join(here, '../../../shared/data/clinc150');
const HOUR = 3_600_000;

/** The standard set, in the order the harness runs and prints them. */
export const STANDARD_SCENARIOS = [
  'stable-1',
  'stable-2',
  'stable-3',
  'topic-shift',
  'new-intent',
  'out-of-scope',
  'latency-p95',
  'error-rate',
  'cost',
  'feedback',
];

export const DEFAULTS = {
  seed: 1,
  // A fixed Monday, so a seed always gives the same file; the harness keeps old spans (long retention).
  start: '2026-11-02T00:00:00.000Z',
  windowMs: HOUR,
  // An hourly window of a modest production assistant (~24k calls a day). The evaluation computes the vectors ahead
  // (embeddings-service.mjs), so the window size is not bound by the embedding speed of this machine.
  callsPerWindow: 1000,
  baselineWindows: 6,
  currentWindows: 10,
  // The change starts at this current window: the windows before it measure false alarms.
  changeAt: 5,
};

const MODELS = [
  { name: 'gpt-4o-mini', provider: 'openai', share: 0.55, medianMs: 850, sigma: 0.45, outputTokens: 160 },
  { name: 'gpt-4.1', provider: 'openai', share: 0.3, medianMs: 1700, sigma: 0.4, outputTokens: 220 },
  {
    name: 'claude-sonnet-4-5',
    provider: 'anthropic',
    share: 0.15,
    medianMs: 2300,
    sigma: 0.4,
    outputTokens: 260,
  },
];
const RELEASES = [
  { name: '2.3.1', share: 0.6 },
  { name: '2.4.0', share: 0.4 },
];
const SYSTEM_PROMPT_TOKENS = 180;
const OUT_OF_SCOPE_SHARE = 0.02;
const ERROR_RATE = 0.01;
const FEEDBACK_RATE = 0.25; // share of calls a user rates
const NEGATIVE_RATE = 0.15; // share of ratings that are negative
const USERS = 3000;
// The feedback scenario carries this many times the traffic of the others. At 1,000 calls/h its topic (11% of calls,
// 25% of them rated) gets ~27 ratings an hour: a doubling of its negative share (15% -> 30%) is below what any test
// can find within 2 windows among a run's ~1,400 tests at a 0.5% false-alarm budget (README.md, "Feedback
// power"). Negative feedback is found from ~3,000 calls/h; the 1,000-call case stays measurable with --only feedback
// --feedback-traffic 1.
const FEEDBACK_TRAFFIC = 3;
// Held out of every baseline; the new-intent scenario brings one of them.
const HELD_OUT_INTENTS = 3;
const ZIPF_EXPONENT = 0.8;

/** CLINC150 as pools of texts: in-scope by intent (all splits) and out-of-scope; domain of each intent. */
export function loadPools(dataDir = DEFAULT_DATA) {
  const full = JSON.parse(readFileSync(join(dataDir, 'data_full.json'), 'utf8'));
  const domains = JSON.parse(readFileSync(join(dataDir, 'domains.json'), 'utf8'));
  const byIntent = new Map();
  for (const split of ['train', 'val', 'test'])
    for (const [text, intent] of full[split]) {
      if (!byIntent.has(intent)) byIntent.set(intent, []);
      byIntent.get(intent).push(text);
    }
  const outOfScope = ['oos_train', 'oos_val', 'oos_test'].flatMap((split) => full[split].map(([t]) => t));
  const domainOf = new Map(Object.entries(domains).flatMap(([d, intents]) => intents.map((i) => [i, d])));
  return { byIntent, outOfScope, domainOf, intents: [...byIntent.keys()].sort() };
}

function normal(rand) {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function pick(rand, items, weightOf = (x) => x.share) {
  let r = rand() * items.reduce((s, x) => s + weightOf(x), 0);
  for (const x of items) {
    r -= weightOf(x);
    if (r <= 0) return x;
  }
  return items[items.length - 1];
}

function shuffle(items, rand) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The traffic mix of one seed: intents in a seeded order with Zipf weights (a few intents dominate, as in real
 * assistants), three intents held out, and the intent and domain the scenarios change.
 */
export function world(pools, seed) {
  const rand = prng(seed * 7919 + 17);
  const order = shuffle(pools.intents, rand);
  const heldOut = order.slice(0, HELD_OUT_INTENTS);
  const weights = new Map(
    order.slice(HELD_OUT_INTENTS).map((intent, rank) => [intent, (rank + 1) ** -ZIPF_EXPONENT]),
  );
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  for (const [intent, w] of weights) weights.set(intent, w / total);
  const domainShare = new Map();
  for (const [intent, w] of weights) {
    const d = pools.domainOf.get(intent);
    domainShare.set(d, (domainShare.get(d) ?? 0) + w);
  }
  // The domain that triples: the one whose share is closest to 5% (tripled: 15%).
  const shiftedDomain = [...domainShare.entries()].sort(
    (a, b) => Math.abs(a[1] - 0.05) - Math.abs(b[1] - 0.05) || a[0].localeCompare(b[0]),
  )[0][0];
  return {
    weights,
    heldOut,
    newIntent: heldOut[0],
    feedbackIntent: order[HELD_OUT_INTENTS], // the largest intent
    shiftedDomain,
    domainShare,
  };
}

const RESPONSE_TEMPLATES = [
  (t) => `Sure, here is what I found about ${t}. Let me know if you need anything else.`,
  (t) => `I can help with ${t}. Could you give me a few more details so I get it right?`,
  (t) => `Here you go: the information on ${t} is below. I hope this helps.`,
  (t) => `Got it, you are asking about ${t}. I have taken care of it for you.`,
];
const OUT_OF_SCOPE_RESPONSE =
  'Sorry, I can only help with banking, cards, travel, dining, home, car, work and utility questions, so I cannot answer that.';

function responseFor(rand, intent) {
  if (intent === 'oos') return OUT_OF_SCOPE_RESPONSE;
  const template = RESPONSE_TEMPLATES[Math.floor(rand() * RESPONSE_TEMPLATES.length)];
  return template(intent.replaceAll('_', ' '));
}

/**
 * One scenario: its header and its calls in time order. `name` is one of STANDARD_SCENARIOS; every number that
 * shapes it comes from `options` (DEFAULTS) and the seed.
 */
export function generateScenario(name, pools, options = {}) {
  const o = { ...DEFAULTS, ...options };
  const stable = /^stable-(\d+)$/.exec(name);
  if (!stable && !STANDARD_SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}`);
  const worldSeed = stable ? o.seed + Number(stable[1]) - 1 : o.seed;
  const w = world(pools, worldSeed);
  const rand = prng(worldSeed * 104729 + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
  const startMs = Date.parse(o.start);
  const baselineTo = startMs + o.baselineWindows * o.windowMs;
  const changeMs = baselineTo + o.changeAt * o.windowMs;
  const endMs = baselineTo + o.currentWindows * o.windowMs;
  const iso = (ms) => new Date(ms).toISOString();
  const changed = !stable;
  const latencyModel = 'gpt-4.1';
  const errorRelease = '2.4.0';
  const costModel = 'gpt-4o-mini';

  const truth = [];
  const from = iso(changeMs);
  if (name === 'topic-shift') truth.push({ kind: 'topic_shift', from });
  if (name === 'new-intent') truth.push({ kind: 'new_topic', from });
  if (name === 'out-of-scope') truth.push({ kind: 'out_of_scope', from });
  if (name === 'latency-p95') truth.push({ kind: 'latency', from, dimension: 'model', value: latencyModel });
  if (name === 'error-rate')
    truth.push({ kind: 'error_rate', from, dimension: 'release', value: errorRelease });
  if (name === 'cost') truth.push({ kind: 'cost', from, dimension: 'model', value: costModel });
  if (name === 'feedback') truth.push({ kind: 'feedback', from, dimension: 'topic' });

  // Intent mixes before and after the change.
  const before = [...w.weights.entries()].map(([intent, share]) => ({ intent, share }));
  let after = before;
  if (name === 'topic-shift') {
    const s = w.domainShare.get(w.shiftedDomain);
    const factor = (3 * (1 - s)) / (1 - 3 * s); // the domain's share becomes 3s
    after = before.map((x) =>
      pools.domainOf.get(x.intent) === w.shiftedDomain ? { ...x, share: x.share * factor } : x,
    );
  } else if (name === 'new-intent') {
    after = [...before.map((x) => ({ ...x, share: x.share * 0.95 })), { intent: w.newIntent, share: 0.05 }];
  }
  const oosShare = (t) => (name === 'out-of-scope' && t >= changeMs ? 0.1 : OUT_OF_SCOPE_SHARE);

  const header = {
    scenario: name,
    window: formatWindow(o.windowMs),
    baseline: { from: iso(startMs), to: iso(baselineTo) },
    truth,
  };
  const details = {
    scenario: name,
    seed: worldSeed,
    change: changed ? from : null,
    ...(name === 'topic-shift' && {
      domain: w.shiftedDomain,
      share: `${round(w.domainShare.get(w.shiftedDomain))} -> ${round(3 * w.domainShare.get(w.shiftedDomain))}`,
    }),
    ...(name === 'new-intent' && { intent: w.newIntent, domain: pools.domainOf.get(w.newIntent) }),
    ...(name === 'feedback' && {
      intent: w.feedbackIntent,
      share: round(w.weights.get(w.feedbackIntent)),
      callsPerWindow: o.callsPerWindow * (o.feedbackTraffic ?? FEEDBACK_TRAFFIC),
    }),
    ...(name === 'latency-p95' && { model: latencyModel }),
    ...(name === 'error-rate' && { release: errorRelease }),
    ...(name === 'cost' && { model: costModel }),
  };

  const perWindow = o.callsPerWindow * (name === 'feedback' ? (o.feedbackTraffic ?? FEEDBACK_TRAFFIC) : 1);
  const calls = [];
  const windows = o.baselineWindows + o.currentWindows;
  for (let k = 0; k < windows; k++) {
    const windowStart = startMs + k * o.windowMs;
    const n = Math.max(1, Math.round(perWindow + Math.sqrt(perWindow) * normal(rand)));
    for (let c = 0; c < n; c++) {
      const t = windowStart + Math.floor(rand() * o.windowMs);
      const isChanged = changed && t >= changeMs;
      const mix = isChanged ? after : before;
      const intent = rand() < oosShare(t) ? 'oos' : pick(rand, mix).intent;
      const pool = intent === 'oos' ? pools.outOfScope : pools.byIntent.get(intent);
      const request = pool[Math.floor(rand() * pool.length)];
      const model = pick(rand, MODELS);
      const release = pick(rand, RELEASES).name;
      const errorRate = name === 'error-rate' && isChanged && release === errorRelease ? 0.04 : ERROR_RATE;
      const error = rand() < errorRate;
      const tokenFactor = name === 'cost' && isChanged && model.name === costModel ? 1.3 : 1;
      const inputTokens = Math.round(
        (SYSTEM_PROMPT_TOKENS + Math.ceil(request.length / 4) + Math.floor(rand() * 400)) * tokenFactor,
      );
      const outputTokens = error
        ? 0
        : Math.max(1, Math.round(model.outputTokens * Math.exp(0.35 * normal(rand)) * tokenFactor));
      // Tail-only regression: sigma grows so the p95 rises 40% while the median stays.
      const sigma =
        model.sigma +
        (name === 'latency-p95' && isChanged && model.name === latencyModel ? Math.log(1.4) / 1.645 : 0);
      const latency = model.medianMs * Math.exp(sigma * normal(rand)) * (error ? 0.3 : 1);
      const negativeRate =
        name === 'feedback' && isChanged && intent === w.feedbackIntent ? 2 * NEGATIVE_RATE : NEGATIVE_RATE;
      const call = {
        time: iso(t),
        request,
        response: error ? '' : responseFor(rand, intent),
        model: model.name,
        release,
        latencyMs: Math.max(50, Math.round(latency)),
        error,
        inputTokens,
        outputTokens,
        userId: `user-${Math.floor(USERS * rand() ** 2)}`,
      };
      if (!error && rand() < FEEDBACK_RATE) call.feedback = rand() < negativeRate ? 'negative' : 'positive';
      calls.push(call);
    }
  }
  calls.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  if (endMs !== startMs + windows * o.windowMs) throw new Error('window arithmetic');
  return { header, calls, details };
}

const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** "1h", "30m", "90s", "1d" -> ms. */
export function parseWindow(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(text).trim());
  if (!m) throw new Error(`window "${text}" is not a duration like 1h, 30m, 90s or 1d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: HOUR, d: 24 * HOUR }[m[2]];
  return Number(m[1]) * unit;
}

function formatWindow(ms) {
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

export function toJsonl({ header, calls }) {
  return [header, ...calls].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

/** Writes the scenarios into `out`; returns their paths and what each changed. */
export function writeScenarios(out, names = STANDARD_SCENARIOS, options = {}, dataDir = DEFAULT_DATA) {
  const pools = loadPools(dataDir);
  mkdirSync(out, { recursive: true });
  return names.map((name) => {
    const scenario = generateScenario(name, pools, options);
    const path = join(out, `${name}.jsonl`);
    writeFileSync(path, toJsonl(scenario));
    return { path, calls: scenario.calls.length, details: scenario.details };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: opt } = parseArgs({
    options: {
      out: { type: 'string', default: join(here, '../../node_modules/.cache/driftwatch-bench/detectors') },
      data: { type: 'string', default: DEFAULT_DATA },
      seed: { type: 'string', default: String(DEFAULTS.seed) },
      start: { type: 'string', default: DEFAULTS.start },
      only: { type: 'string' },
      'calls-per-window': { type: 'string', default: String(DEFAULTS.callsPerWindow) },
      'baseline-windows': { type: 'string', default: String(DEFAULTS.baselineWindows) },
      'current-windows': { type: 'string', default: String(DEFAULTS.currentWindows) },
      'change-at': { type: 'string', default: String(DEFAULTS.changeAt) },
      'feedback-traffic': { type: 'string', default: String(FEEDBACK_TRAFFIC) },
      window: { type: 'string', default: '1h' },
    },
  });
  const options = {
    seed: Number(opt.seed),
    start: new Date(opt.start).toISOString(),
    windowMs: parseWindow(opt.window),
    callsPerWindow: Number(opt['calls-per-window']),
    baselineWindows: Number(opt['baseline-windows']),
    currentWindows: Number(opt['current-windows']),
    changeAt: Number(opt['change-at']),
    feedbackTraffic: Number(opt['feedback-traffic']),
  };
  if (!(options.feedbackTraffic > 0)) throw new Error('--feedback-traffic must be a positive number');
  if (!(options.changeAt >= 0 && options.changeAt < options.currentWindows))
    throw new Error('--change-at must be a current window index (0 .. current-windows - 1)');
  const names = opt.only ? opt.only.split(',') : STANDARD_SCENARIOS;
  for (const written of writeScenarios(opt.out, names, options, opt.data))
    console.error(`${written.path}: ${written.calls} calls ${JSON.stringify(written.details)}`);
}
