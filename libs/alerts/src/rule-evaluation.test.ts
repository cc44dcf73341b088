import type { MetricObservation, MetricRule, RuleState } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { episodeOf, evaluateRule, ruleNotificationId } from './rule-evaluation.js';
import { ruleMessage } from './rule-message.js';

const rule = (overrides: Partial<MetricRule> = {}): MetricRule => ({
  ruleId: 'r1',
  projectId: 'default',
  name: 'errors',
  metric: 'error_rate',
  threshold: 0.1,
  windowMinutes: 5,
  model: '',
  destinationIds: ['d1'],
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
const obs = (value: number, key = '', calls = 10): MetricObservation => ({ key, value, calls });

/** Runs evaluations in turn, as the runner does: pending transitions count as notified afterwards. */
function run(r: MetricRule, rounds: MetricObservation[][]): Array<Array<Pick<RuleState, 'key' | 'firing'>>> {
  let states: RuleState[] = [];
  const sent: Array<Array<Pick<RuleState, 'key' | 'firing'>>> = [];
  rounds.forEach((observations, i) => {
    const next = evaluateRule(r, observations, states, `e${i}`);
    sent.push(next.filter((s) => !s.notified).map(({ key, firing }) => ({ key, firing })));
    states = next.filter((s) => s.firing).map((s) => ({ ...s, notified: true }));
  });
  return sent;
}

describe('evaluateRule', () => {
  it('notifies once when a rule fires and once when it resolves, however many evaluations between', () => {
    expect(run(rule(), [[obs(0.05)], [obs(0.2)], [obs(0.3)], [obs(0.25)], [obs(0.05)], [obs(0.01)]])).toEqual(
      [[], [{ key: '', firing: true }], [], [], [{ key: '', firing: false }], []],
    );
  });

  it('needs the value above the threshold and at least one call; no traffic resolves', () => {
    expect(run(rule(), [[obs(0.1)], [obs(1, '', 0)], [obs(0.5)], []])).toEqual([
      [],
      [],
      [{ key: '', firing: true }],
      [{ key: '', firing: false }],
    ]);
  });

  it('fires and resolves per user for a per-user cost limit', () => {
    const perUser = rule({ metric: 'user_cost_usd', threshold: 5 });
    expect(run(perUser, [[obs(6, 'ada')], [obs(7, 'ada'), obs(9, 'bob')], [obs(9, 'bob')], []])).toEqual([
      [{ key: 'ada', firing: true }],
      [{ key: 'bob', firing: true }],
      [{ key: 'ada', firing: false }],
      [{ key: 'bob', firing: false }],
    ]);
  });

  it('keeps a transition whose messages are not recorded yet, with its episode, until they are', () => {
    const first = evaluateRule(rule(), [obs(0.5)], [], 'e1');
    expect(first).toEqual([{ key: '', firing: true, episode: 'e1', value: 0.5, notified: false }]);
    // The runner crashed before marking it notified: the next evaluation yields the same transition.
    expect(evaluateRule(rule(), [obs(0.6)], first, 'e2')).toEqual(first);
  });
});

describe('notification ids and messages', () => {
  it('gives the same id to the same transition and destination, a new one otherwise', () => {
    const state = { key: '', episode: episodeOf(1_000_090_000, 60_000), firing: true };
    expect(episodeOf(1_000_090_000, 60_000)).toBe(episodeOf(1_000_119_999, 60_000));
    const id = ruleNotificationId('r1', state, 'd1');
    expect(id).toMatch(/^msg_[\w-]{27}$/);
    expect(ruleNotificationId('r1', { ...state }, 'd1')).toBe(id);
    expect(ruleNotificationId('r1', { ...state, firing: false }, 'd1')).not.toBe(id);
    expect(ruleNotificationId('r1', state, 'd2')).not.toBe(id);
    expect(ruleNotificationId('r1', { ...state, episode: 'other' }, 'd1')).not.toBe(id);
  });

  it('says what crossed, by how much, and links to the calls', () => {
    const r = rule({ model: 'gpt-4o-mini' });
    const state: RuleState = { key: '', firing: true, episode: 'e', value: 0.235, notified: false };
    const message = ruleMessage(r, state, 'http://localhost:3000/');
    expect(message).toMatchObject({
      type: 'metric.threshold',
      title: 'Error rate above 10.0 % (errors)',
      severity: 'warning',
      dimension: { name: 'model', value: 'gpt-4o-mini' },
      link: 'http://localhost:3000/traces?project=default&model=gpt-4o-mini&status=error',
    });
    expect(message.summary).toBe(
      'Error rate 23.5 % over the last 5 min (model gpt-4o-mini); the rule "errors" fires above 10.0 %.',
    );
    const resolved = ruleMessage(r, { ...state, firing: false, value: 0.02 }, null);
    expect([resolved.type, resolved.title, resolved.link]).toEqual([
      'metric.resolved',
      'Resolved: Error rate back under 10.0 % (errors)',
      undefined,
    ]);
    const cost = ruleMessage(
      rule({ metric: 'user_cost_usd', threshold: 5, windowMinutes: 1440 }),
      { ...state, key: 'ada', value: 12.5 },
      null,
    );
    expect(cost.summary).toBe(
      'Cost of one user $12.50 over the last 24 h (user ada); the rule "errors" fires above $5.00.',
    );
  });
});
