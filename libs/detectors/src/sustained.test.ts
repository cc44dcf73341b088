import type { DetectionInput } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { type Changes, makeWindow, makeWorld, settings } from './test-support.js';

const HOUR = 3_600_000;
const T0 = 1_800_000_000_000;

/**
 * A fixed baseline of 6 hours, then `recentHours` hours and the current hour, all with `changes`; no vectors (the
 * metric regressions alone). Each hour has `perHour` calls.
 */
function sustained(seed: number, perHour: number, recentHours: number, changes: Changes): DetectionInput {
  const world = makeWorld(seed);
  const hours = (from: number, count: number, label: string, withChanges: Changes) =>
    Array.from({ length: count }, (_, h) =>
      makeWindow(world, perHour, T0 + (from + h) * HOUR, HOUR, seed * 100 + from + h, withChanges, label),
    ).flatMap((w) => w.calls);
  const currentFrom = T0 + (6 + recentHours) * HOUR;
  return {
    projectId: 'p1',
    baseline: { fromMs: T0, toMs: T0 + 6 * HOUR },
    current: { fromMs: currentFrom, toMs: currentFrom + HOUR },
    baselineCalls: hours(0, 6, 'b', {}),
    recentCalls: hours(6, recentHours, 'r', changes),
    currentCalls: hours(6 + recentHours, 1, 'c', changes),
    baselineVectors: [],
    currentVectors: [],
    settings: settings({ baseline: 'fixed' }),
  };
}

const largestTopic = (seed: number) => {
  const shares = makeWorld(seed).shares;
  return shares.indexOf(Math.max(...shares));
};

describe('rate regressions pooled with the recent windows (a sustained change)', { timeout: 600_000 }, () => {
  it('find doubled negative feedback on a topic that one window is too small to show, as one problem', () => {
    for (const seed of [44, 49]) {
      const topic = `topic-${largestTopic(seed)}`;
      const input = sustained(seed, 1500, 2, { feedback: { topic: largestTopic(seed), factor: 2 } });
      const alone = detect({ ...input, recentCalls: [] }, { seed });
      expect(alone.findings.filter((f) => f.kind === 'feedback')).toEqual([]);

      const pooled = detect(input, { seed });
      const feedback = pooled.findings.filter((f) => f.kind === 'feedback');
      expect(feedback.map((f) => `${f.dimension}=${f.value}`)).toEqual([`topic=${topic}`]);
      expect(feedback[0]!.title).toMatch(
        /^Negative feedback on topic topic-\d+ rose from \d+% to \d+% over the recent windows$/,
      );
      expect(feedback[0]!.effectSize).toBeGreaterThan(0.5);
      // The pooled counts are the three hours' judged calls of the topic, the examples among them.
      const judged = [...input.recentCalls!, ...input.currentCalls].filter(
        (c) => c.topicId === topic && c.negativeFeedback !== null,
      ).length;
      expect(feedback[0]!.evidence.details!['currentCalls']).toBe(judged);
    }
  });

  it('opens nothing when nothing changed, and one error-rate problem for a changed release', () => {
    for (const seed of [43, 44]) expect(detect(sustained(seed, 600, 2, {}), { seed }).findings).toEqual([]);
    const result = detect(sustained(45, 600, 2, { errorRate: { release: '2.4', rate: 0.04 } }), { seed: 45 });
    expect(result.findings.map((f) => f.causeKey)).toEqual(['error_rate:release=2.4']);
  });
});
