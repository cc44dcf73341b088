import type { Judgement } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { cohensKappa, queueAgreement } from './agreement.js';

describe("Cohen's kappa", () => {
  it('matches a textbook example', () => {
    // 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4.
    const pairs: Array<[string, string]> = [
      ...Array.from({ length: 20 }, () => ['yes', 'yes'] as [string, string]),
      ...Array.from({ length: 5 }, () => ['yes', 'no'] as [string, string]),
      ...Array.from({ length: 10 }, () => ['no', 'yes'] as [string, string]),
      ...Array.from({ length: 15 }, () => ['no', 'no'] as [string, string]),
    ];
    expect(cohensKappa(pairs)).toBeCloseTo(0.4, 10);
  });

  it('is 1 for perfect agreement, below 0 for systematic disagreement, null when undefined', () => {
    expect(
      cohensKappa([
        ['a', 'a'],
        ['b', 'b'],
      ]),
    ).toBe(1);
    expect(
      cohensKappa([
        ['a', 'b'],
        ['b', 'a'],
      ]),
    ).toBe(-1);
    expect(
      cohensKappa([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toBeNull();
    expect(cohensKappa([])).toBeNull();
  });
});

describe('queue agreement', () => {
  const j = (itemId: string, reviewerId: string, label: string, helpful?: boolean): Judgement => ({
    queueId: 'q',
    itemId,
    reviewerId,
    label,
    scores: helpful === undefined ? {} : { helpful },
    correctedAnswer: '',
    comment: '',
    createdAt: '',
    updatedAt: '',
  });

  it('pairs reviewers on the items both judged, on the label and on categorical criteria', () => {
    const result = queueAgreement(
      [
        j('1', 'bob', 'good', true),
        j('1', 'ada', 'good', true),
        j('2', 'ada', 'bad', false),
        j('2', 'bob', 'bad', true),
        j('3', 'ada', 'good'),
        j('4', 'carol', 'bad'),
      ],
      {
        labels: ['good', 'bad'],
        criteria: [
          { name: 'helpful', type: 'boolean' },
          { name: 'stars', type: 'numeric' },
        ],
      },
    );
    expect(result.label.pairs).toEqual([{ reviewers: ['ada', 'bob'], items: 2, observed: 1, kappa: 1 }]);
    expect(result.criteria.helpful?.pairs[0]).toMatchObject({ items: 2, observed: 0.5 });
    expect(Object.keys(result.criteria)).toEqual(['helpful']);
    expect(result.label.overall).toEqual({ items: 2, observed: 1, kappa: 1 });
  });
});
