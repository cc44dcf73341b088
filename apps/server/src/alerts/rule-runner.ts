import type {
  MetricRule,
  MetricRuleReader,
  MetricRuleStore,
  Outbox,
  ProjectStore,
  RuleState,
} from '@driftwatch/contracts';
import { episodeOf, evaluateRule, ruleMessage, ruleNotificationId, ruleTransition } from '@driftwatch/alerts';
import { IntervalLoop } from './interval-loop.js';

export interface RuleRunnerOptions {
  rules: MetricRuleStore;
  reader: MetricRuleReader;
  outbox: Outbox;
  projects: ProjectStore;
  intervalMs: number;
  dashboardUrl: string | null;
  /** Tells the notifier something is due. */
  wake: () => void;
  log: (message: string) => void;
}

/**
 * Evaluates every enabled metric rule of every project on an interval (part of the notifier role). A transition
 * is saved before its notifications are recorded and marked notified after, and the notification ids are
 * derived from rule, key, episode and destination: a crash in between records them again on the next
 * evaluation, as the same notifications, never as new ones.
 */
export class RuleRunner {
  private readonly loop: IntervalLoop;

  constructor(private readonly options: RuleRunnerOptions) {
    this.loop = new IntervalLoop(
      options.intervalMs,
      () => this.evaluateAll(),
      (error) => options.log(`rule evaluation failed: ${error.message}`),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One evaluation of every rule (exposed for tests; the timer calls it). */
  async evaluateAll(nowMs = Date.now()): Promise<void> {
    for (const project of await this.options.projects.listProjects()) {
      for (const rule of await this.options.rules.list(project.projectId)) {
        if (this.loop.isStopped) return;
        if (!rule.enabled) continue;
        await this.evaluate(rule, nowMs).catch((error: unknown) =>
          this.options.log(`rule ${rule.ruleId} (project ${rule.projectId}): ${(error as Error).message}`),
        );
      }
    }
  }

  private async evaluate(rule: MetricRule, nowMs: number): Promise<void> {
    const { rules, reader, outbox } = this.options;
    const previous = await rules.states(rule.projectId, rule.ruleId);
    const observations = await reader.observe(rule, nowMs);
    const episode = episodeOf(nowMs, this.options.intervalMs);
    const next = evaluateRule(rule, observations, previous, episode, nowMs);
    const pending = next.filter((s) => !s.notified);
    if (pending.length === 0) {
      if (JSON.stringify(next) !== JSON.stringify(previous))
        await rules.saveStates(rule.projectId, rule.ruleId, next);
      return;
    }
    await rules.saveStates(rule.projectId, rule.ruleId, next);
    for (const state of pending) {
      const message = ruleMessage(rule, state, this.options.dashboardUrl);
      for (const destinationId of rule.destinationIds) {
        const notification = {
          notificationId: ruleNotificationId(rule.ruleId, state, destinationId),
          projectId: rule.projectId,
          destinationId,
          message,
          createdAt: new Date(nowMs).toISOString(),
          subject: `rule:${rule.ruleId}`,
          transition: ruleTransition(state),
        };
        if (state.suppressed) await outbox.suppress(notification, suppressedBecause(rule, state));
        else await outbox.enqueue(notification);
      }
    }
    // Resolved keys stay while their cooldown runs (evaluateRule drops them after); firing ones to tell their end.
    await rules.saveStates(
      rule.projectId,
      rule.ruleId,
      next.map((s) => ({ ...s, notified: true })),
    );
    this.options.wake();
  }
}

/** What the delivery log says of a message the cooldown held back. */
function suppressedBecause(rule: MetricRule, state: RuleState): string {
  const since =
    state.resolvedAt === undefined
      ? ''
      : ` (the last alert resolved at ${new Date(state.resolvedAt).toISOString()})`;
  return state.firing
    ? `not sent: above the threshold again within the ${rule.cooldownMinutes} min cooldown${since}; it is sent when the cooldown ends if still above`
    : `not sent: back under within the ${rule.cooldownMinutes} min cooldown; its firing was not sent either`;
}
