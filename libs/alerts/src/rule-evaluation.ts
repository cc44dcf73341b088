import { createHash } from 'node:crypto';
import type { MetricObservation, MetricRule, RuleState } from '@driftwatch/contracts';

/**
 * The states after one evaluation. A key opens (fires) when its value goes above the threshold and resolves
 * when it no longer is; a new transition is not yet notified. Nothing changes while a key stays on one side,
 * so a firing rule sends one message when it opens and one when it resolves, however often it is evaluated.
 * `episode` names the new firings of this evaluation (the same for every process evaluating in the same slot).
 *
 * Cooldown (against flapping): a key that breaches again within rule.cooldownMinutes of its last notified
 * resolution opens a suppressed episode, whose firing and resolution are recorded but not sent. If it still
 * breaches when the cooldown ends it fires for real then (a sustained breach is never swallowed), so a
 * flapping rule sends at most one episode per cooldown. A resolved key is kept until its cooldown ends.
 */
export function evaluateRule(
  rule: MetricRule,
  observations: readonly MetricObservation[],
  previous: readonly RuleState[],
  episode: string,
  nowMs: number,
): RuleState[] {
  const seen = new Map(observations.map((o) => [o.key, o]));
  const keys = new Set([...previous.map((s) => s.key), ...seen.keys()]);
  // A project-wide rule always has its one key, also when the window holds no calls.
  if (rule.metric !== 'user_cost_usd') keys.add('');
  const before = new Map(previous.map((s) => [s.key, s]));
  const cooling = (s: RuleState | undefined) =>
    s?.resolvedAt !== undefined && nowMs - s.resolvedAt < rule.cooldownMinutes * 60_000;
  const next: RuleState[] = [];
  for (const key of keys) {
    const observed = seen.get(key);
    const breaching = !!observed && observed.calls > 0 && observed.value > rule.threshold;
    const value = observed?.value ?? 0;
    const prior = before.get(key);
    const since = prior?.resolvedAt !== undefined ? { resolvedAt: prior.resolvedAt } : {};
    if (prior && !prior.notified) {
      // A transition whose messages are not all recorded yet stays as it is until they are.
      next.push(prior);
    } else if (breaching && !prior?.firing) {
      const suppressed = cooling(prior);
      next.push({
        key,
        firing: true,
        episode,
        value,
        notified: false,
        ...(suppressed ? { suppressed, ...since } : {}),
      });
    } else if (breaching && prior?.suppressed && !cooling(prior)) {
      // Still above when the cooldown ends: the breach is real, tell it now (a new episode).
      next.push({ key, firing: true, episode, value, notified: false });
    } else if (!breaching && prior?.firing) {
      next.push(
        prior.suppressed
          ? { key, firing: false, episode: prior.episode, value, notified: false, suppressed: true, ...since }
          : { key, firing: false, episode: prior.episode, value, notified: false, resolvedAt: nowMs },
      );
    } else if (prior?.firing) {
      next.push({ ...prior, value });
    } else if (cooling(prior)) {
      next.push({ ...prior!, value });
    }
  }
  return next;
}

/** The evaluation slot as an episode name: processes evaluating in the same slot agree on it. */
export function episodeOf(nowMs: number, intervalMs: number): string {
  return new Date(Math.floor(nowMs / intervalMs) * intervalMs).toISOString();
}

/** opened or resolved; a suppressed episode's are suppressed-opened and suppressed-resolved. */
export function ruleTransition(state: Pick<RuleState, 'firing' | 'suppressed'>): string {
  return `${state.suppressed ? 'suppressed-' : ''}${state.firing ? 'opened' : 'resolved'}`;
}

/** A stable id per rule, key, episode, transition and destination: recording it twice changes nothing. */
export function ruleNotificationId(
  ruleId: string,
  state: Pick<RuleState, 'key' | 'episode' | 'firing' | 'suppressed'>,
  destinationId: string,
): string {
  const text = [ruleId, state.key, state.episode, ruleTransition(state), destinationId].join('\n');
  return `msg_${createHash('sha256').update(text).digest('base64url').slice(0, 27)}`;
}
