import { createHash } from 'node:crypto';
import type { MetricObservation, MetricRule, RuleState } from '@driftwatch/contracts';

/**
 * The states after one evaluation. A key opens (fires) when its value goes above the threshold and resolves
 * when it no longer is; a new transition is not yet notified. Nothing changes while a key stays on one side,
 * so a firing rule sends one message when it opens and one when it resolves, however often it is evaluated.
 * `episode` names the new firings of this evaluation (the same for every process evaluating in the same slot).
 */
export function evaluateRule(
  rule: MetricRule,
  observations: readonly MetricObservation[],
  previous: readonly RuleState[],
  episode: string,
): RuleState[] {
  const seen = new Map(observations.map((o) => [o.key, o]));
  const keys = new Set([...previous.map((s) => s.key), ...seen.keys()]);
  // A project-wide rule always has its one key, also when the window holds no calls.
  if (rule.metric !== 'user_cost_usd') keys.add('');
  const before = new Map(previous.map((s) => [s.key, s]));
  const next: RuleState[] = [];
  for (const key of keys) {
    const observed = seen.get(key);
    const breaching = !!observed && observed.calls > 0 && observed.value > rule.threshold;
    const value = observed?.value ?? 0;
    const prior = before.get(key);
    if (prior && !prior.notified) {
      // A transition whose messages are not all recorded yet stays as it is until they are.
      next.push(prior);
    } else if (breaching && !prior?.firing) {
      next.push({ key, firing: true, episode, value, notified: false });
    } else if (!breaching && prior?.firing) {
      next.push({ key, firing: false, episode: prior.episode, value, notified: false });
    } else if (prior?.firing) {
      next.push({ ...prior, value });
    }
  }
  return next;
}

/** The evaluation slot as an episode name: processes evaluating in the same slot agree on it. */
export function episodeOf(nowMs: number, intervalMs: number): string {
  return new Date(Math.floor(nowMs / intervalMs) * intervalMs).toISOString();
}

/** A stable id per rule, key, episode, transition and destination: recording it twice changes nothing. */
export function ruleNotificationId(
  ruleId: string,
  state: Pick<RuleState, 'key' | 'episode' | 'firing'>,
  destinationId: string,
): string {
  const text = [ruleId, state.key, state.episode, state.firing ? 'opened' : 'resolved', destinationId].join(
    '\n',
  );
  return `msg_${createHash('sha256').update(text).digest('base64url').slice(0, 27)}`;
}
