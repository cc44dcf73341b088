import { createHash } from 'node:crypto';
import type { AlertMessage, AlertSeverity, Problem, ProblemRoute } from '@driftwatch/contracts';

export type ProblemTransition = 'opened' | 'reminder' | 'resolved';

/** One message to record: which destination, which transition, under which stable id. */
export interface ProblemNotification {
  notificationId: string;
  destinationId: string;
  transition: ProblemTransition;
  /** The transition as recorded: opened, reminder-<n>, resolved. */
  tag: string;
  routeId: string;
}

export function routeMatches(route: ProblemRoute, problem: Problem): boolean {
  if (!route.enabled || route.projectId !== problem.projectId) return false;
  if (route.kinds.length > 0 && !route.kinds.includes(problem.kind)) return false;
  if (problem.severity < route.minSeverity) return false;
  if (route.dimension && route.dimension !== problem.dimension) return false;
  if (route.value && route.value !== problem.value) return false;
  // A route added after a problem ended does not tell its story afterwards.
  if (problem.status === 'resolved' && (problem.resolvedAt ?? 0) < Date.parse(route.createdAt)) return false;
  return true;
}

/**
 * What a problem is due for now, per matching route and destination. Stateless: the ids are derived from the
 * problem, the transition (and the reminder's number) and the destination, so evaluating again, in this or
 * another notifier process, records the same notifications (the outbox ignores an id it already holds). A
 * destination reached by two routes gets each message once.
 *
 * Reminders count from when the destination's opened message was recorded (`openedRecordedAt`, by destination
 * id), not from when the problem opened: a problem found late (a backfill, a notifier that was down) gets its
 * opened message first and its first reminder one period later, never both at once.
 */
export function problemNotifications(
  problem: Problem,
  routes: readonly ProblemRoute[],
  nowMs: number,
  openedRecordedAt: ReadonlyMap<string, number> = new Map(),
): ProblemNotification[] {
  const due = new Map<string, ProblemNotification>();
  const add = (route: ProblemRoute, destinationId: string, transition: ProblemTransition, tag: string) => {
    const notificationId = problemNotificationId(problem.projectId, problem.id, tag, destinationId);
    if (!due.has(notificationId))
      due.set(notificationId, { notificationId, destinationId, transition, tag, routeId: route.routeId });
  };
  for (const route of routes) {
    if (!routeMatches(route, problem)) continue;
    const remindMs = route.remindEveryMinutes * 60_000;
    for (const destinationId of route.destinationIds) {
      add(route, destinationId, 'opened', 'opened');
      const since = openedRecordedAt.get(destinationId);
      if (problem.status === 'open' && remindMs > 0 && since !== undefined) {
        // Only the latest reminder: a notifier that was down does not send the ones it missed.
        const reminder = Math.floor((nowMs - since) / remindMs);
        if (reminder >= 1) add(route, destinationId, 'reminder', `reminder-${reminder}`);
      }
      if (problem.status === 'resolved' && route.notifyResolved)
        add(route, destinationId, 'resolved', 'resolved');
    }
  }
  return [...due.values()];
}

/** Whether any route would remind of this problem (so the router reads when its opened messages were recorded). */
export function wantsReminders(problem: Problem, routes: readonly ProblemRoute[]): boolean {
  return (
    problem.status === 'open' && routes.some((r) => r.remindEveryMinutes > 0 && routeMatches(r, problem))
  );
}

export function problemNotificationId(
  projectId: string,
  problemId: string,
  tag: string,
  destinationId: string,
): string {
  const text = ['problem', projectId, problemId, tag, destinationId].join('\n');
  return `msg_${createHash('sha256').update(text).digest('base64url').slice(0, 27)}`;
}

export function alertSeverity(severity: number): AlertSeverity {
  return severity >= 70 ? 'critical' : severity >= 30 ? 'warning' : 'info';
}

const BARS = '▁▂▃▄▅▆▇█';

/** The series as a line of block characters (Slack shows no charts), e.g. "▁▁▂▁▅▇█". */
export function textSparkline(values: readonly number[], width = 24): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const step = Math.max(1, Math.ceil(finite.length / width));
  const buckets: number[] = [];
  for (let i = 0; i < finite.length; i += step) {
    const slice = finite.slice(i, i + step);
    buckets.push(slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  const low = Math.min(...buckets);
  const span = Math.max(...buckets) - low;
  return buckets
    .map((v) => BARS[span === 0 ? 0 : Math.round(((v - low) / span) * (BARS.length - 1))])
    .join('');
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/** The alert for one transition of a problem: what changed, by how much, where, and the link to its page. */
export function problemMessage(
  problem: Problem,
  transition: ProblemTransition,
  dashboardUrl: string | null,
  nowMs: number,
): AlertMessage {
  const prefix = transition === 'resolved' ? 'Resolved: ' : transition === 'reminder' ? 'Still open: ' : '';
  const change = `${problem.effectSize >= 0 ? '+' : ''}${(problem.effectSize * 100).toFixed(0)} %`;
  const share = `${(problem.trafficShare * 100).toFixed(1)} % of calls`;
  const sparkline = textSparkline((problem.evidence.series ?? []).map((p) => p.value));
  const figures = [
    { label: 'Baseline', value: figure(problem.baselineValue) },
    { label: 'Now', value: figure(problem.currentValue) },
    { label: 'Change', value: change },
    { label: 'Traffic', value: share },
    { label: 'Severity', value: `${Math.round(problem.severity)} / 100` },
  ];
  if (sparkline) figures.push({ label: 'Trend', value: sparkline });
  const params = new URLSearchParams({ project: problem.projectId });
  return {
    type: `problem.${transition}`,
    title: `${prefix}${problem.title}`,
    severity: transition === 'resolved' ? 'info' : alertSeverity(problem.severity),
    summary:
      transition === 'resolved'
        ? `${problem.title}: resolved${problem.resolvedBy ? ` by ${problem.resolvedBy}` : ''}.`
        : `${problem.title}. ${problem.statistic}, p = ${problem.pValue.toPrecision(2)}; ${share}.`,
    ...(problem.dimension && problem.value
      ? { dimension: { name: problem.dimension, value: problem.value } }
      : {}),
    figures,
    ...(dashboardUrl
      ? {
          link: `${dashboardUrl.replace(/\/$/, '')}/problems/${encodeURIComponent(problem.id)}?${params}`,
        }
      : {}),
    occurredAt: new Date(
      transition === 'resolved'
        ? (problem.resolvedAt ?? nowMs)
        : transition === 'opened'
          ? problem.openedAt
          : nowMs,
    ).toISOString(),
  };
}
