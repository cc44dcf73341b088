import type { DetectionInput, Finding } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { twoProportion } from './stats/proportions.js';
import { type Changes, makeWorld, scenario, settings } from './test-support.js';

const SIZES = { baseline: 3000, current: 3000 };
/** Feedback is judged on 60% of calls and split over ~20 topics: a topic needs more traffic to pass BH over ~180 tests. */
const FEEDBACK_SIZES = { baseline: 8000, current: 8000 };
const largestTopic = (seed: number) => {
  const shares = makeWorld(seed).shares;
  return shares.indexOf(Math.max(...shares));
};

interface Expectation {
  kind: Finding['kind'];
  dimension?: Finding['dimension'];
  value?: string;
}

const CHANGES: {
  name: string;
  sizes?: typeof SIZES;
  changes: (seed: number) => Changes;
  expect: (seed: number) => Expectation;
}[] = [
  {
    name: 'a domain (two topics) triples its share',
    changes: () => ({ topicShare: { topics: [0, 1], factor: 3 } }),
    expect: () => ({ kind: 'topic_shift', dimension: 'topic' }),
  },
  {
    name: 'a new intent at 5% of calls',
    changes: () => ({ newIntentShare: 0.05 }),
    expect: () => ({ kind: 'new_topic' }),
  },
  {
    name: 'out-of-scope calls rise from 2% to 10%',
    changes: () => ({ outOfScopeShare: 0.1 }),
    expect: () => ({ kind: 'out_of_scope' }),
  },
  {
    name: 'p95 latency of one model +40%',
    changes: () => ({ latency: { model: 'gpt-4o-mini', factor: 1.4 } }),
    expect: () => ({ kind: 'latency', dimension: 'model', value: 'gpt-4o-mini' }),
  },
  {
    name: 'error rate of one release 1% -> 4%',
    changes: () => ({ errorRate: { release: '2.4', rate: 0.04 } }),
    expect: () => ({ kind: 'error_rate', dimension: 'release', value: '2.4' }),
  },
  {
    name: 'cost per call of one model +30%',
    changes: () => ({ cost: { model: 'claude-haiku', factor: 1.3 } }),
    expect: () => ({ kind: 'cost', dimension: 'model', value: 'claude-haiku' }),
  },
  {
    name: 'negative feedback on one topic doubles',
    sizes: FEEDBACK_SIZES,
    changes: (seed) => ({ feedback: { topic: largestTopic(seed), factor: 2 } }),
    expect: (seed) => ({ kind: 'feedback', dimension: 'topic', value: `topic-${largestTopic(seed)}` }),
  },
];

const matches = (f: Finding, e: Expectation) =>
  f.kind === e.kind &&
  (e.dimension === undefined || f.dimension === e.dimension) &&
  (e.value === undefined || f.value === e.value);

describe('detect() finds each injected change with the right kind, dimension and value', () => {
  for (const c of CHANGES)
    it(
      c.name,
      () => {
        const found: string[] = [];
        for (const seed of [11, 12]) {
          const result = detect(scenario(seed, c.sizes ?? SIZES, c.changes(seed)), { seed });
          const e = c.expect(seed);
          const hit = result.findings.filter((f) => matches(f, e));
          console.log(
            `${c.name} (seed ${seed}): ${result.findings.map((f) => `${f.causeKey} [${f.title}]`).join('; ')}`,
          );
          expect(hit.length, `seed ${seed}: ${JSON.stringify(e)}`).toBeGreaterThanOrEqual(1);
          found.push(...hit.map((f) => f.causeKey));
          // One cause, one finding: a regression is not found again in the slices that contain its calls. (Findings
          // of other kinds can appear in a changed window: Benjamini-Hochberg controls the false discovery rate, and
          // true discoveries loosen its threshold for the other tests.)
          const sameKind = result.findings.filter((f) => f.kind === e.kind);
          expect(sameKind.length).toBe(e.kind === 'topic_shift' ? hit.length : 1);
          for (const f of hit) {
            expect(f.pValue).toBeLessThanOrEqual(0.01);
            expect(f.severity).toBeGreaterThan(0);
            expect(f.severity).toBeLessThanOrEqual(100);
            expect(f.causeKey).not.toMatch(/\d{10,}/);
            expect(f.evidence.exampleTraceIds.length).toBeGreaterThan(0);
            expect(f.evidence.exampleTraceIds.every((id) => id.startsWith('c-'))).toBe(true);
          }
        }
      },
      600_000,
    );
});

describe('findings', { timeout: 600_000 }, () => {
  it('a model latency regression is one finding, with its series, band and change point, titled in plain words', () => {
    const result = detect(scenario(21, SIZES, { latency: { model: 'gpt-4o-mini', factor: 1.4 } }), {
      seed: 3,
    });
    const latency = result.findings.filter((f) => f.kind === 'latency');
    expect(latency.map((f) => f.causeKey)).toEqual(['latency:model=gpt-4o-mini:p95']);
    const f = latency[0]!;
    expect(f.title).toMatch(/^p95 latency of gpt-4o-mini rose \d+% \(\d\.\d s -> \d\.\d s\)$/);
    expect(f.effectSize).toBeGreaterThan(0.25);
    expect(f.effectSize).toBeLessThan(0.6);
    expect(f.trafficShare).toBeGreaterThan(0.4);
    expect(f.trafficShare).toBeLessThan(0.6);
    const series = f.evidence.series!;
    expect(series.length).toBe(24);
    const input = scenario(21, SIZES);
    expect(series.slice(12).every((p) => p.timeMs >= input.current.fromMs)).toBe(true);
    expect(f.evidence.band!.high).toBeLessThan(f.currentValue);
    expect(f.evidence.changePointMs).toBeGreaterThanOrEqual(input.current.fromMs);
    expect(f.evidence.details!['p95DifferenceLowMs']).toBeGreaterThan(0);
  });

  it('a new intent carries its terms, examples and trace ids, and its causeKey stays the same next window', () => {
    const a = detect(scenario(22, SIZES, { newIntentShare: 0.05 }), { seed: 1 });
    const b = detect(scenario(23, SIZES, { newIntentShare: 0.05 }), { seed: 2 });
    const fa = a.findings.find((f) => f.kind === 'new_topic')!;
    const fb = b.findings.find((f) => f.kind === 'new_topic')!;
    expect(fa.causeKey).toBe('new_topic:terms=card,pin');
    expect(fb.causeKey).toBe(fa.causeKey);
    expect(fa.title).toMatch(/^A new kind of request: '.*(card|pin).*' \(\d\.\d% of calls\)$/);
    expect(fa.currentValue).toBeGreaterThan(0.03);
    expect(fa.currentValue).toBeLessThan(0.07);
    expect(fa.evidence.topic!.terms).toEqual(expect.arrayContaining(['card', 'pin']));
    expect(fa.evidence.topic!.examples.every((t) => t.includes('card pin'))).toBe(true);
    expect(fa.evidence.exampleTraceIds.length).toBe(5);
  });

  it('a topic share shift is named by the stored topic id and is not also reported as drift', () => {
    const result = detect(scenario(24, SIZES, { topicShare: { topics: [0, 1], factor: 3 } }), { seed: 1 });
    const values = result.findings.filter((f) => f.kind === 'topic_shift').map((f) => f.value);
    expect(values).toEqual(expect.arrayContaining(['topic-0', 'topic-1']));
    expect(result.findings.some((f) => f.kind === 'embedding_drift')).toBe(false);
    const t0 = result.findings.find((f) => f.value === 'topic-0')!;
    expect(t0.currentValue / t0.baselineValue).toBeGreaterThan(2);
    expect(t0.evidence.topic!.terms.some((t) => t.startsWith('w0'))).toBe(true);
  });

  it('responses drifting while requests stay is embedding drift of responses', () => {
    const result = detect(scenario(25, SIZES, { responseShift: 0.2 }), { seed: 1 });
    expect(result.findings.map((f) => f.causeKey)).toEqual(['embedding_drift:response']);
  });

  it('is deterministic for a seed', () => {
    const input = scenario(
      26,
      { baseline: 800, current: 800 },
      { cost: { model: 'claude-haiku', factor: 1.5 } },
    );
    expect(detect(input, { seed: 4 })).toEqual(detect(input, { seed: 4 }));
  });
});

describe('limits', { timeout: 600_000 }, () => {
  it('too few calls report "not enough data" instead of testing', () => {
    const input = scenario(31, { baseline: 40, current: 20 });
    const result = detect(input);
    expect(result.findings).toEqual([]);
    const reasons = result.skipped.map((s) => `${s.kind}:${s.dimension ?? ''}=${s.value ?? ''}:${s.reason}`);
    expect(reasons).toContain(
      'latency:environment=production:not enough data: 40 baseline and 20 current calls (minimum 30)',
    );
    expect(result.skipped.some((s) => s.kind === 'new_topic' && s.reason.startsWith('not enough data'))).toBe(
      true,
    );
    expect(
      result.skipped.some((s) => s.kind === 'embedding_drift' && s.reason.startsWith('not enough data')),
    ).toBe(true);
  });

  it('a project without embeddings still gets metric regressions', () => {
    const input: DetectionInput = {
      ...scenario(32, SIZES, { errorRate: { release: '2.4', rate: 0.05 } }),
      baselineVectors: [],
      currentVectors: [],
    };
    const result = detect(input);
    expect(result.findings.map((f) => f.causeKey)).toEqual(['error_rate:release=2.4']);
    expect(
      result.skipped.filter((s) => s.reason === 'no embeddings in this project').map((s) => s.kind),
    ).toEqual(['topic_shift', 'new_topic', 'out_of_scope', 'embedding_drift']);
  });

  it('a failing detector family is skipped with its reason; the others still run', () => {
    const input = scenario(34, { baseline: 600, current: 600 }, { errorRate: { release: '2.4', rate: 0.1 } });
    const broken: DetectionInput = {
      ...input,
      currentVectors: input.currentVectors.map((v) => ({ ...v, vector: v.vector.subarray(0, 100) })),
    };
    const result = detect(broken);
    expect(result.findings.map((f) => f.causeKey)).toContain('error_rate:release=2.4');
    const failed = result.skipped.filter((s) => s.reason.startsWith('failed: '));
    expect(failed.map((s) => s.kind)).toEqual([
      'topic_shift',
      'new_topic',
      'out_of_scope',
      'embedding_drift',
    ]);
  });

  it('runs only the enabled detectors and respects minEffect', () => {
    const changes = {
      latency: { model: 'gpt-4o-mini', factor: 1.4 },
      errorRate: { release: '2.4', rate: 0.05 },
    };
    const only = detect(scenario(33, SIZES, changes, { enabled: ['error_rate'] }));
    expect(only.findings.map((f) => f.kind)).toEqual(['error_rate']);
    const strict = detect(
      scenario(33, SIZES, changes, { enabled: ['latency', 'error_rate'], minEffect: 0.6 }),
    );
    expect(strict.findings.map((f) => f.kind)).toEqual(['error_rate']);
  });
});

describe('multiple-testing control', () => {
  it('rate tests over a handful of errors do not raise the bar for a testable one', () => {
    // 149 prompt versions of ~40 calls a side, each with at most two errors in a window: none of their error-rate
    // tests can ever reach the run's level. Release 2.4's errors go from 1% to 2% (30 -> 60 of 3,000 calls); the
    // j-th call of a release errs every 100 calls (every 50 for 2.4 now).
    const call = (side: string, i: number, error: boolean) => ({
      traceId: `${side}${i}`,
      spanId: `${side}${i}`,
      timeMs: (side === 'b' ? 0 : 3_600_000) + i,
      latencyMs: 800,
      error,
      inputTokens: 400,
      outputTokens: 200,
      costUsd: 0.001,
      model: 'gpt-4o-mini',
      release: i % 2 ? '2.4' : '2.3',
      environment: 'production',
      prompt: `support@${i % 149}`,
      service: 'chat',
      topicId: null,
      negativeFeedback: null,
      scores: {},
    });
    const j = (i: number) => Math.floor(i / 2);
    const baselineCalls = Array.from({ length: 6000 }, (_, i) => call('b', i, j(i) % 100 === 0));
    const currentCalls = Array.from({ length: 6000 }, (_, i) =>
      call('c', i, j(i) % (i % 2 ? 50 : 100) === 0),
    );
    const input: DetectionInput = {
      projectId: 'p1',
      baseline: { fromMs: 0, toMs: 3_600_000 },
      current: { fromMs: 3_600_000, toMs: 7_200_000 },
      baselineCalls,
      currentCalls,
      baselineVectors: [],
      currentVectors: [],
      settings: settings({
        enabled: ['error_rate'],
        dimensions: ['release', 'prompt'],
        falseAlarmRate: 0.005,
      }),
    };
    const raw = twoProportion({ x: 30, n: 3000 }, { x: 60, n: 3000 }, 'greater').pValue;
    // Counting all 152 tests (all calls, 2 releases, 149 prompts), Benjamini-Hochberg would need p <= 3.3e-5.
    expect(raw * 152).toBeGreaterThan(0.005);
    const [finding, ...rest] = detect(input).findings;
    expect(rest).toEqual([]);
    expect(finding?.causeKey).toBe('error_rate:release=2.4');
    expect(finding!.pValue).toBeLessThanOrEqual(0.005);
  });
});
