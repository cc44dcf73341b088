import type { DetectionInput } from '@driftwatch/contracts';
import { assignTopic, fitTopics } from '@driftwatch/topics';
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { makeWindow, makeWorld, scenario } from './test-support.js';
import { dispersionOf } from './topics.js';

const SIZES = { baseline: 3000, current: 3000 };

describe('emerging topics by local density', { timeout: 600_000 }, () => {
  it('a new intent inside an existing topic’s radius is a new topic, not a share shift of that topic', () => {
    const near = { topic: 0, weight: 0.9, spread: 0.5 };
    // Precondition: the old novelty test could not see it (most of its calls fall inside a baseline topic).
    const world = makeWorld(41);
    const b = makeWindow(world, 1500, 0, 3_600_000, 1, {}, 'b');
    const fit = fitTopics(
      b.vectors.filter((v) => v.field === 'request').map((v) => v.vector),
      { seed: 1 },
    );
    const c = makeWindow(world, 3000, 0, 3_600_000, 2, { newIntentShare: 0.05, newIntentNear: near }, 'c');
    const fresh = c.vectors.filter((v) => v.field === 'request' && v.text?.includes('card pin'));
    const novel = fresh.filter((v) => assignTopic(fit.model, v.vector).novel).length;
    expect(novel / fresh.length).toBeLessThan(0.1);

    const result = detect(scenario(41, SIZES, { newIntentShare: 0.05, newIntentNear: near }), { seed: 1 });
    console.log(result.findings.map((f) => `${f.causeKey} [${f.title}]`).join('; '));
    const found = result.findings.filter((f) => f.kind === 'new_topic');
    expect(found.map((f) => f.causeKey)).toEqual(['new_topic:terms=card,pin']);
    expect(found[0]!.currentValue).toBeGreaterThan(0.03);
    expect(found[0]!.currentValue).toBeLessThan(0.08);
    // Its calls count once: topic 0 (the neighbour) is not reported as rising.
    expect(result.findings.filter((f) => f.kind === 'topic_shift')).toEqual([]);
  });
});

describe('topic shares', { timeout: 600_000 }, () => {
  it('a topic missing from a small window by chance is not a drop (the variance is the null’s, not zero)', () => {
    const input = scenario(42, { baseline: 3000, current: 200 });
    // The smallest topic with at least 2% of the baseline: at 200 calls it is expected ~4-8 times.
    const counts = new Map<string, number>();
    for (const c of input.baselineCalls)
      if (c.topicId) counts.set(c.topicId, (counts.get(c.topicId) ?? 0) + 1);
    const [gone] = [...counts].filter(([, n]) => n >= 60).sort((x, y) => x[1] - y[1])[0]!;
    const keep = new Set(input.currentCalls.filter((c) => c.topicId !== gone).map((c) => c.traceId));
    const thinned: DetectionInput = {
      ...input,
      currentCalls: input.currentCalls.filter((c) => keep.has(c.traceId)),
      currentVectors: input.currentVectors.filter((v) => keep.has(v.traceId)),
    };
    const result = detect(thinned, { seed: 1 });
    expect(result.findings.filter((f) => f.kind === 'topic_shift')).toEqual([]);
  });

  it('the dispersion of window counts is ~1 for multinomial windows and larger when windows vary more', () => {
    // Counts exactly at their expectation: no extra variation, so the floor of 1.
    expect(
      dispersionOf([
        [50, 30, 20],
        [50, 30, 20],
        [50, 30, 20],
      ]),
    ).toBe(1);
    // One window where a topic doubles and another halves: far more than sampling noise.
    expect(
      dispersionOf([
        [100, 60, 40],
        [100, 120, 40],
        [100, 30, 40],
      ]),
    ).toBeGreaterThan(5);
    // A single window measures nothing.
    expect(dispersionOf([[5, 5]])).toBe(1);
  });
});

describe('tokens and cost', { timeout: 600_000 }, () => {
  it('tokens and cost of one model rising together are one problem of kind cost, with the tokens’ rise in it', () => {
    const result = detect(scenario(43, SIZES, { tokens: { model: 'gpt-4o-mini', factor: 1.3 } }), {
      seed: 1,
    });
    const money = result.findings.filter((f) => f.kind === 'cost' || f.kind === 'tokens');
    console.log(money.map((f) => `${f.causeKey} [${f.title}]`).join('; '));
    expect(money.map((f) => f.causeKey)).toEqual(['cost:model=gpt-4o-mini']);
    expect(money[0]!.effectSize).toBeGreaterThan(0.2);
    expect(Number(money[0]!.evidence.details!['tokensEffect'])).toBeGreaterThan(0.2);
  });
});

describe('feedback and scores', { timeout: 600_000 }, () => {
  it('a thumbs rating (0/1 score) is tested once, as negative feedback, not again as a score', () => {
    const input = scenario(44, { baseline: 8000, current: 8000 }, { feedback: { topic: 0, factor: 3 } });
    const thumbs = (c: DetectionInput['baselineCalls'][number]) => ({
      ...c,
      scores: {
        ...c.scores,
        ...(c.negativeFeedback === null ? {} : { thumbs: c.negativeFeedback ? 0 : 1 }),
      },
    });
    const withThumbs: DetectionInput = {
      ...input,
      baselineCalls: input.baselineCalls.map(thumbs),
      currentCalls: input.currentCalls.map(thumbs),
    };
    const result = detect(withThumbs, { seed: 1 });
    expect(result.findings.some((f) => f.kind === 'feedback')).toBe(true);
    expect(
      result.findings.filter((f) => f.causeKey.startsWith('score:') && f.causeKey.endsWith('thumbs')),
    ).toEqual([]);
  });
});
