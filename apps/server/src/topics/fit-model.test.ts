import { seededRandom } from '@driftwatch/topics';
import { describe, expect, it } from 'vitest';
import { fitModel, type FitCall } from './fit-model.js';
import { readableLayout } from './projection.js';

const WORDS = [
  ['weather', 'forecast', 'rain'],
  ['refund', 'order', 'money'],
  ['password', 'reset', 'login'],
  ['flight', 'booking', 'seat'],
];

/** `per` calls around each of four orthogonal directions of 32 dimensions, with texts of their topic's words. */
function calls(per: number, seed: number): FitCall[] {
  const random = seededRandom(seed);
  const out: FitCall[] = [];
  WORDS.forEach((words, topic) => {
    for (let i = 0; i < per; i++) {
      const v = Float32Array.from(
        { length: 32 },
        (_, d) => (d === topic * 8 ? 1 : 0) + (random() - 0.5) * 0.3,
      );
      const norm = Math.hypot(...v);
      out.push({
        traceId: `${topic}${i}`.padStart(32, '0'),
        spanId: `${topic}${i}`.padStart(16, '0'),
        timeMs: 1_000 + i,
        vector: v.map((x) => x / norm),
        text: `${words[i % 3]} question about ${words[(i + 1) % 3]} number ${i}`,
      });
    }
  });
  return out;
}

const base = {
  projectId: 'p',
  fittedAtMs: 5_000,
  window: { fromMs: 0, toMs: 5_000 },
  mapPoints: 100,
  seed: 1,
};

describe('fitModel', () => {
  it('finds the topics, labels them with their words and assigns every call of the window', () => {
    const window = calls(60, 1);
    const { model, lineage, assignments } = fitModel({ ...base, version: 1, calls: window, previous: null });
    expect(model.topics).toHaveLength(4);
    for (const words of WORDS) {
      const topic = model.topics.find((t) => t.terms.some((x) => x.term === words[0]));
      expect(topic, words[0]).toBeDefined();
      expect(
        topic!.label.split(' · ').every((w) => words.includes(w) || /^(question|number|about)$/.test(w)),
      ).toBe(true);
      expect(topic!.examples.length).toBeGreaterThan(0);
      expect(
        topic!.examples.every((e) => e.text.includes(words[0]!) || words.some((w) => e.text.includes(w))),
      ).toBe(true);
    }
    expect(lineage.map((e) => e.kind)).toEqual(['created', 'created', 'created', 'created']);
    expect(assignments).toHaveLength(window.length);
    // Calls of one planted direction share a topic.
    for (let t = 0; t < 4; t++) {
      const ids = new Set(assignments.slice(t * 60, (t + 1) * 60).map((a) => a.topicId));
      expect(ids.size).toBe(1);
    }
    expect(model.map.points).toHaveLength(100);
    expect(model.map.centroids.map((c) => c.topicId).sort()).toEqual(model.topics.map((t) => t.id).sort());
  });

  it('keeps topic ids when fitted again with the previous model, and records what continued', () => {
    const first = fitModel({ ...base, version: 1, calls: calls(60, 1), previous: null });
    const second = fitModel({ ...base, version: 2, calls: calls(60, 2), previous: first.model, seed: 2 });
    expect(second.model.topics.map((t) => t.id).sort()).toEqual(first.model.topics.map((t) => t.id).sort());
    expect(second.lineage.every((e) => e.kind === 'continued')).toBe(true);
    expect(second.model.nextTopicNumber).toBe(first.model.nextTopicNumber);
  });
});

describe('readableLayout', () => {
  it('pushes coinciding topic centres apart and keeps each topic around its centre', () => {
    const layout = readableLayout(
      [
        [0, 0],
        [0, 0],
        [10, 0],
      ],
      [
        { topic: 0, xy: [0.1, 0] },
        { topic: 1, xy: [-0.1, 0] },
        { topic: 2, xy: [10, 0.5] },
      ],
    );
    const [a, b] = layout.centres;
    expect(Math.hypot(a![0] - b![0], a![1] - b![1])).toBeGreaterThan(0.4);
    layout.points.forEach((p, i) => {
      const c = layout.centres[[0, 1, 2][i]!]!;
      expect(Math.hypot(p[0] - c[0], p[1] - c[1])).toBeLessThan(0.2);
    });
  });
});
