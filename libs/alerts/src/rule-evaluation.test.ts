import type { MetricObservation, MetricRule, RuleState } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { episodeOf, evaluateRule, ruleNotificationId, ruleTransition } from './rule-evaluation.js';
import { ruleMessage } from './rule-message.js';

const rule = (overrides: Partial<MetricRule> = {}): MetricRule => ({
  ruleId: 'r1',
  projectId: 'default',
  name: 'errors',
  metric: 'error_rate',
  threshold: 0.1,
  windowMinutes: 5,
  cooldownMinutes: 0,
  model: '',
  destinationIds: ['d1'],
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
const obs = (value: number, key = '', calls = 10): MetricObservation => ({ key, value, calls });

const MINUTE = 60_000;

/**
 * Runs evaluations in turn, one a minute, as the runner does: pending transitions count as notified
 * afterwards.
 */
function run(r: MetricRule, rounds: MetricObservation[][]): Array<Array<Pick<RuleState, 'key' | 'firing'>>> {
  return transitions(r, rounds).map((round) => round.map(({ key, firing }) => ({ key, firing })));
}

function transitions(r: MetricRule, rounds: MetricObservation[][]): RuleState[][] {
  let states: RuleState[] = [];
  const recorded: RuleState[][] = [];
  rounds.forEach((observations, i) => {
    const next = evaluateRule(r, observations, states, `e${i}`, i * MINUTE);
    recorded.push(next.filter((s) => !s.notified));
    states = next.map((s) => ({ ...s, notified: true }));
  });
  return recorded;
}

/** What each evaluation records: opened, resolved, suppressed-opened ... (key: prefix for per-user rules). */
function turns(r: MetricRule, rounds: MetricObservation[][]): string[][] {
  return transitions(r, rounds).map((round) =>
    round.map((s) => `${s.key ? `${s.key}:` : ''}${ruleTransition(s)}`),
  );
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
    const first = evaluateRule(rule(), [obs(0.5)], [], 'e1', 0);
    expect(first).toEqual([{ key: '', firing: true, episode: 'e1', value: 0.5, notified: false }]);
    // The runner crashed before marking it notified: the next evaluation yields the same transition.
    expect(evaluateRule(rule(), [obs(0.6)], first, 'e2', MINUTE)).toEqual(first);
  });
});

describe('evaluateRule with a cooldown', () => {
  const high = [obs(0.5)];
  const low = [obs(0.01)];

  it('without a cooldown a flapping rule alerts on every crossing', () => {
    expect(turns(rule(), [high, low, high, low])).toEqual([
      ['opened'],
      ['resolved'],
      ['opened'],
      ['resolved'],
    ]);
  });

  it('suppresses a re-breach inside the cooldown and its resolution; sends again after the cooldown', () => {
    const r = rule({ cooldownMinutes: 10 });
    // Minute 0 fires, 1 resolves (the cooldown runs to minute 11), 3..4 and 6..7 flap inside it.
    const rounds = [high, low, low, high, low, low, high, low, low, low, low, low, high, low];
    expect(turns(r, rounds)).toEqual([
      ['opened'],
      ['resolved'],
      [],
      ['suppressed-opened'],
      ['suppressed-resolved'],
      [],
      ['suppressed-opened'],
      ['suppressed-resolved'],
      [],
      [],
      [],
      [],
      // Minute 12, past the cooldown: a breach alerts again.
      ['opened'],
      ['resolved'],
    ]);
  });

  it('tells a breach that began inside the cooldown when the cooldown ends, if it is still breaching', () => {
    const r = rule({ cooldownMinutes: 10 });
    const rounds = [high, low, ...Array.from({ length: 12 }, () => high), low];
    const recorded = turns(r, rounds);
    expect(recorded[2]).toEqual(['suppressed-opened']);
    // Resolved at minute 1, so at minute 11 the cooldown is over and the breach is sent, once.
    expect(recorded.slice(3, 11).flat()).toEqual([]);
    expect(recorded[11]).toEqual(['opened']);
    expect(recorded.slice(12, 14).flat()).toEqual([]);
    // Its end is told too: it was sent.
    expect(recorded[14]).toEqual(['resolved']);
    // The promoted firing is a new episode, so its ids differ from the suppressed one's.
    const states = transitions(r, rounds);
    expect(states[11]![0]!.episode).toBe('e11');
    expect(states[2]![0]!.episode).toBe('e2');
  });

  it('keeps one cooldown per user of a per-user cost limit', () => {
    const r = rule({ metric: 'user_cost_usd', threshold: 5, cooldownMinutes: 10 });
    expect(
      turns(r, [[obs(6, 'ada')], [], [obs(6, 'ada'), obs(6, 'bob')], [obs(6, 'bob')], [obs(6, 'bob')]]),
    ).toEqual([
      ['ada:opened'],
      ['ada:resolved'],
      ['ada:suppressed-opened', 'bob:opened'],
      ['ada:suppressed-resolved'],
      [],
    ]);
  });

  it('names suppressed messages apart from sent ones', () => {
    const state = { key: '', episode: 'e1', firing: true };
    expect(ruleNotificationId('r1', { ...state, suppressed: true }, 'd1')).not.toBe(
      ruleNotificationId('r1', state, 'd1'),
    );
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
