import type { DetectionInput, EmbeddedCall } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { settings } from './test-support.js';
import { TopicNames } from './topic-names.js';

const vector = (field: 'request' | 'response', topicId: string | null, text?: string): EmbeddedCall => ({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  timeMs: 0,
  field,
  model: 'm',
  release: 'r',
  vector: new Float32Array(2),
  topicId,
  ...(text ? { text } : {}),
});

const input = (current: EmbeddedCall[], baseline: EmbeddedCall[]): DetectionInput => ({
  projectId: 'p1',
  baseline: { fromMs: 0, toMs: 1 },
  current: { fromMs: 1, toMs: 2 },
  baselineCalls: [],
  currentCalls: [],
  baselineVectors: baseline,
  currentVectors: current,
  topics: [
    {
      id: 't2',
      label: 'pin · card · change',
      terms: ['pin', 'card', 'change', 'new'],
      centroid: new Float32Array(2),
      size: 9,
    },
    { id: 't19', label: 't19', terms: [], centroid: new Float32Array(2), size: 3 },
    { id: 't7', label: 'x'.repeat(60), terms: ['x'], centroid: new Float32Array(2), size: 1 },
  ],
  settings: settings(),
});

describe('TopicNames', () => {
  it('names topic slices by their labels, a group by each, and leaves other slices as they are', () => {
    const names = new TopicNames(input([], []));
    expect(names.who({ dimension: 'topic', value: 't2' })).toBe('topic t2 (pin · card · change)');
    // A topic without terms is named by its id only; a long label is cut.
    expect(names.who({ dimension: 'topic', value: 't2,t19' })).toBe('topics t2 + t19 (pin · card · change)');
    expect(names.who({ dimension: 'topic', value: 't7' })).toBe(`topic t7 (${'x'.repeat(39)}…)`);
    expect(names.who({ dimension: 'topic', value: 't99' })).toBe('topic t99');
    expect(names.who({ dimension: 'model', value: 'gpt-4o-mini' })).toBe('gpt-4o-mini');
    expect(names.evidence({ dimension: 'model', value: 'gpt-4o-mini' })).toBeUndefined();
  });

  it("gives a topic slice's terms and distinct request examples of its members, now and in the baseline", () => {
    const current = [
      vector('request', 't2', 'change my pin'),
      vector('request', 't2', 'change my pin'),
      vector('response', 't2', 'answer text'),
      vector('request', 't19', 'new card please'),
      vector('request', 't7', 'other topic'),
      vector('request', null, 'novel'),
    ];
    const baseline = [vector('request', 't19', 'old card'), vector('request', 't2')];
    const names = new TopicNames(input(current, baseline));
    expect(names.evidence({ dimension: 'topic', value: 't2,t19' })).toEqual({
      id: 't2,t19',
      terms: ['pin', 'card', 'change'],
      examples: ['change my pin', 'new card please'],
      baselineExamples: ['old card'],
    });
    expect(names.evidence({ dimension: 'topic', value: 't2' })!.terms).toEqual([
      'pin',
      'card',
      'change',
      'new',
    ]);
  });
});
