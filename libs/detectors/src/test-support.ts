import type { CallMetrics, DetectionInput, DetectorSettings, EmbeddedCall } from '@driftwatch/contracts';
import { type Random, seededRandom, unit } from '@driftwatch/topics';

/** Seeded synthetic traffic for the detectors' tests: ~20 topics of 384-dim unit vectors, metrics per call. */

export const MODELS = ['gpt-4o-mini', 'claude-haiku', 'llama-70b'];
const MODEL_SHARES = [0.5, 0.3, 0.2];
const MODEL_MEDIAN_MS = [900, 1200, 700];
const MODEL_PRICE = [2e-6, 3e-6, 1e-6];
export const RELEASES = ['2.3', '2.4'];

export interface World {
  dim: number;
  topics: Float32Array[];
  responses: Float32Array[];
  shares: number[];
  words: string[][];
  newIntent: Float32Array;
  newIntentResponse: Float32Array;
  /** A direction responses can drift along. */
  shift: Float32Array;
}

export interface Changes {
  /** Multiply the share of these topic indexes by `factor` (then renormalize). */
  topicShare?: { topics: number[]; factor: number };
  /** Share of calls from an intent absent from the baseline. */
  newIntentShare?: number;
  /**
   * The new intent's direction moved toward this topic's (weight `weight` on the topic, the rest on its own):
   * a new intent close to an existing topic, inside that topic's radius. `spread` scales its calls' noise (a
   * single intent is a tighter group than a topic of several).
   */
  newIntentNear?: { topic: number; weight: number; spread: number };
  /** Share of out-of-scope calls (random directions). Default 0.02. */
  outOfScopeShare?: number;
  /** Latency of one model multiplied. */
  latency?: { model: string; factor: number };
  /** Error rate of one release. Default 0.01 everywhere. */
  errorRate?: { release: string; rate: number };
  /** Price of one model multiplied. */
  cost?: { model: string; factor: number };
  /** Input and output tokens of one model multiplied (its cost per call follows). */
  tokens?: { model: string; factor: number };
  /** Negative-feedback rate on one topic (index) multiplied. */
  feedback?: { topic: number; factor: number };
  /** Every response vector moves this far along one shared direction. */
  responseShift?: number;
}

/** Standard normal draws (Box-Muller, both outputs used). */
export function gaussian(random: Random): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(random() + 1e-12));
    const a = 2 * Math.PI * random();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

/** Topic directions share a common component (real embeddings are not orthogonal). */
export function makeWorld(seed: number, topicCount = 20, dim = 384): World {
  const random = seededRandom(seed);
  const g = gaussian(random);
  const common = Float32Array.from({ length: dim }, g);
  const direction = () => unit(Float32Array.from(common, (x) => 0.6 * x + g()));
  const topics = Array.from({ length: topicCount }, direction);
  const responses = Array.from({ length: topicCount }, direction);
  const raw = topics.map(() => 0.3 + random());
  const total = raw.reduce((a, b) => a + b, 0);
  const words = topics.map((_, j) => [`w${j}a`, `w${j}b`, `w${j}c`, `w${j}d`]);
  return {
    dim,
    topics,
    responses,
    shares: raw.map((r) => r / total),
    words,
    newIntent: direction(),
    newIntentResponse: direction(),
    shift: unit(Float32Array.from({ length: dim }, g)),
  };
}

const NOISE = 0.045;

function around(center: Float32Array, g: () => number, spread = 1): Float32Array {
  return unit(Float32Array.from(center, (x) => x + spread * NOISE * g()));
}

function pick(shares: readonly number[], random: Random): number {
  let u = random();
  for (let i = 0; i < shares.length; i++) {
    u -= shares[i]!;
    if (u < 0) return i;
  }
  return shares.length - 1;
}

function lognormal(median: number, sigma: number, g: () => number): number {
  return median * Math.exp(sigma * g());
}

/** One window of `n` calls starting at `fromMs`, each with metrics and request + response vectors. */
export function makeWindow(
  world: World,
  n: number,
  fromMs: number,
  windowMs: number,
  seed: number,
  changes: Changes = {},
  label = 'w',
): { calls: CallMetrics[]; vectors: EmbeddedCall[] } {
  const random = seededRandom(seed);
  const g = gaussian(random);
  let shares = world.shares.map((s, j) =>
    changes.topicShare?.topics.includes(j) ? s * changes.topicShare.factor : s,
  );
  const sum = shares.reduce((a, b) => a + b, 0);
  shares = shares.map((s) => s / sum);
  const oos = changes.outOfScopeShare ?? 0.02;
  const fresh = changes.newIntentShare ?? 0;
  const near = changes.newIntentNear;
  const newIntent = near
    ? unit(
        Float32Array.from(
          world.newIntent,
          (x, d) => (1 - near.weight) * x + near.weight * world.topics[near.topic]![d]!,
        ),
      )
    : world.newIntent;
  const calls: CallMetrics[] = [];
  const vectors: EmbeddedCall[] = [];
  for (let i = 0; i < n; i++) {
    const traceId = `${label}-${seed}-${i}`;
    const timeMs = fromMs + Math.floor((i / n) * windowMs);
    const u = random();
    let topic = -1; // -1 out of scope, -2 new intent
    let request: Float32Array;
    let response: Float32Array;
    let text: string;
    if (u < oos) {
      request = unit(Float32Array.from({ length: world.dim }, g));
      response = unit(Float32Array.from({ length: world.dim }, g));
      text = `random question ${Math.floor(random() * 1e6)}`;
    } else if (u < oos + fresh) {
      topic = -2;
      request = around(newIntent, g, near?.spread ?? 1);
      response = around(world.newIntentResponse, g);
      text = ['card', 'pin', 'reset', 'blocked'].filter(() => random() < 0.7).join(' ') + ' card pin';
    } else {
      topic = pick(shares, random);
      request = around(world.topics[topic]!, g);
      response = around(world.responses[topic]!, g);
      if (changes.responseShift)
        response = unit(Float32Array.from(response, (x, d) => x + changes.responseShift! * world.shift[d]!));
      text = world.words[topic]!.filter(() => random() < 0.7).join(' ') + ` ${world.words[topic]![0]} please`;
    }
    const m = pick(MODEL_SHARES, random);
    const model = MODELS[m]!;
    const release = RELEASES[random() < 0.5 ? 0 : 1]!;
    const latencyFactor = changes.latency?.model === model ? changes.latency.factor : 1;
    const errorRate = changes.errorRate?.release === release ? changes.errorRate.rate : 0.01;
    const tokenFactor = changes.tokens?.model === model ? changes.tokens.factor : 1;
    const inputTokens = Math.round(lognormal(400, 0.5, g) * tokenFactor);
    const outputTokens = Math.round(lognormal(250, 0.6, g) * tokenFactor);
    const price = MODEL_PRICE[m]! * (changes.cost?.model === model ? changes.cost.factor : 1);
    const negativeRate =
      0.15 * (changes.feedback && changes.feedback.topic === topic ? changes.feedback.factor : 1);
    const judged = random() < 0.6;
    const topicId = topic >= 0 ? `topic-${topic}` : null;
    calls.push({
      traceId,
      spanId: `s${i}`,
      timeMs,
      latencyMs: lognormal(MODEL_MEDIAN_MS[m]!, 0.45, g) * latencyFactor,
      error: random() < errorRate,
      inputTokens,
      outputTokens,
      costUsd: (inputTokens + outputTokens) * price,
      model,
      release,
      environment: 'production',
      prompt: 'support@3',
      service: 'chat',
      topicId,
      negativeFeedback: judged ? random() < negativeRate : null,
      scores: { relevance: Math.min(1, Math.max(0, 0.8 + 0.1 * g())) },
    });
    const base = { traceId, spanId: `s${i}`, timeMs, model, release, topicId };
    vectors.push({ ...base, field: 'request', vector: request, text });
    vectors.push({ ...base, field: 'response', vector: response });
  }
  return { calls, vectors };
}

export function settings(overrides: Partial<DetectorSettings> = {}): DetectorSettings {
  return {
    enabled: [],
    falseAlarmRate: 0.01,
    minSamples: 30,
    minEffect: 0.1,
    dimensions: ['model', 'release', 'environment', 'prompt', 'service', 'topic'],
    baseline: 'trailing',
    windowMs: 3_600_000,
    baselineWindows: 1,
    ...overrides,
  };
}

/** A baseline window and the following current window (same world), with `changes` in the current one only. */
export function scenario(
  seed: number,
  sizes: { baseline: number; current: number },
  changes: Changes = {},
  overrides: Partial<DetectorSettings> = {},
): DetectionInput {
  const world = makeWorld(seed);
  const hour = 3_600_000;
  const t0 = 1_800_000_000_000;
  const b = makeWindow(world, sizes.baseline, t0, hour, seed * 7 + 1, {}, 'b');
  const c = makeWindow(world, sizes.current, t0 + hour, hour, seed * 7 + 2, changes, 'c');
  return {
    projectId: 'p1',
    baseline: { fromMs: t0, toMs: t0 + hour },
    current: { fromMs: t0 + hour, toMs: t0 + 2 * hour },
    baselineCalls: b.calls,
    currentCalls: c.calls,
    baselineVectors: b.vectors,
    currentVectors: c.vectors,
    settings: settings(overrides),
  };
}
