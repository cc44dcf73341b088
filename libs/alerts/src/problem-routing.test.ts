import type { Problem, ProblemRoute } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { problemMessage, problemNotifications, textSparkline } from './problem-routing.js';

const HOUR = 3_600_000;
const OPENED = Date.parse('2026-11-30T10:00:00Z');

function problem(over: Partial<Problem> = {}): Problem {
  return {
    id: 'p1',
    projectId: 'proj',
    kind: 'latency',
    dimension: 'model',
    value: 'gpt-4o-mini',
    causeKey: 'latency:model=gpt-4o-mini:p95',
    title: 'p95 latency of gpt-4o-mini rose 40% (1.2 s -> 1.7 s)',
    statistic: 'Mann-Whitney U',
    score: 5.1,
    pValue: 0.0001,
    effectSize: 0.4,
    baselineValue: 1200,
    currentValue: 1700,
    trafficShare: 0.35,
    severity: 55,
    evidence: { exampleTraceIds: ['a'], series: [1, 1, 1, 2, 3].map((value, i) => ({ timeMs: i, value })) },
    status: 'open',
    baseline: { fromMs: OPENED - 2 * HOUR, toMs: OPENED - HOUR },
    current: { fromMs: OPENED - HOUR, toMs: OPENED },
    openedAt: OPENED,
    lastSeenAt: OPENED,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    ...over,
  };
}

function route(over: Partial<ProblemRoute> = {}): ProblemRoute {
  return {
    routeId: 'r1',
    projectId: 'proj',
    name: 'latency to slack',
    kinds: [],
    minSeverity: 0,
    dimension: '',
    value: '',
    destinationIds: ['d1'],
    remindEveryMinutes: 0,
    notifyResolved: true,
    enabled: true,
    createdAt: '2026-11-30T00:00:00Z',
    ...over,
  };
}

describe('problem routing', () => {
  it('sends one opened message per destination, the same ids on every evaluation', () => {
    const first = problemNotifications(problem(), [route({ destinationIds: ['d1', 'd2'] })], OPENED);
    const again = problemNotifications(problem(), [route({ destinationIds: ['d1', 'd2'] })], OPENED + HOUR);
    expect(first.map((n) => [n.destinationId, n.transition])).toEqual([
      ['d1', 'opened'],
      ['d2', 'opened'],
    ]);
    expect(again.map((n) => n.notificationId)).toEqual(first.map((n) => n.notificationId));
  });

  it('filters by kind, severity, dimension and value, and skips disabled routes and other projects', () => {
    const p = problem();
    expect(problemNotifications(p, [route({ kinds: ['error_rate'] })], OPENED)).toEqual([]);
    expect(problemNotifications(p, [route({ minSeverity: 60 })], OPENED)).toEqual([]);
    expect(problemNotifications(p, [route({ dimension: 'release' })], OPENED)).toEqual([]);
    expect(problemNotifications(p, [route({ dimension: 'model', value: 'gpt-4o' })], OPENED)).toEqual([]);
    expect(problemNotifications(p, [route({ enabled: false })], OPENED)).toEqual([]);
    expect(problemNotifications(p, [route({ projectId: 'other' })], OPENED)).toEqual([]);
    expect(
      problemNotifications(
        p,
        [route({ kinds: ['latency'], minSeverity: 50, dimension: 'model', value: 'gpt-4o-mini' })],
        OPENED,
      ),
    ).toHaveLength(1);
  });

  it('a destination reached by two routes gets each message once', () => {
    const both = problemNotifications(problem(), [route(), route({ routeId: 'r2', name: 'all' })], OPENED);
    expect(both).toHaveLength(1);
  });

  it('reminds while open and unacknowledged, only the latest reminder, and never after acknowledgement', () => {
    const r = route({ remindEveryMinutes: 60 });
    // Reminders count from when the opened message was recorded (here: when the problem opened).
    const sent = new Map([['d1', OPENED]]);
    const at = (ms: number, p = problem()) => problemNotifications(p, [r], ms, sent);
    expect(at(OPENED + 30 * 60_000).map((n) => n.transition)).toEqual(['opened']);
    const late = at(OPENED + 3.5 * HOUR);
    expect(late.map((n) => [n.transition, n.tag])).toEqual([
      ['opened', 'opened'],
      ['reminder', 'reminder-3'],
    ]);
    expect(at(OPENED + 3.9 * HOUR)[1]?.notificationId).toBe(late[1]?.notificationId);
    expect(at(OPENED + 4.1 * HOUR)[1]?.notificationId).not.toBe(late[1]?.notificationId);
    const acked = problem({ status: 'acknowledged', acknowledgedBy: 'ann', acknowledgedAt: OPENED + HOUR });
    expect(at(OPENED + 5 * HOUR, acked).map((n) => n.transition)).toEqual(['opened']);
  });

  it('never sends a reminder with the opened message of a problem found late', () => {
    const r = route({ remindEveryMinutes: 60, destinationIds: ['d1', 'd2'] });
    // Routed for the first time two days after it opened (a backfill): the opened messages only.
    const now = OPENED + 48 * HOUR;
    expect(problemNotifications(problem(), [r], now).map((n) => n.tag)).toEqual(['opened', 'opened']);
    // d1's opened message was recorded at `now`; d2's an hour before: only d2 is due a reminder.
    const sent = new Map([
      ['d1', now],
      ['d2', now - HOUR],
    ]);
    expect(
      problemNotifications(problem(), [r], now + 1000, sent).map((n) => [n.destinationId, n.tag]),
    ).toEqual([
      ['d1', 'opened'],
      ['d2', 'opened'],
      ['d2', 'reminder-1'],
    ]);
  });

  it('tells the resolution once when the route asks for it', () => {
    const resolved = problem({ status: 'resolved', resolvedBy: 'auto', resolvedAt: OPENED + 2 * HOUR });
    expect(problemNotifications(resolved, [route()], OPENED + 3 * HOUR).map((n) => n.transition)).toEqual([
      'opened',
      'resolved',
    ]);
    expect(
      problemNotifications(resolved, [route({ notifyResolved: false })], OPENED).map((n) => n.transition),
    ).toEqual(['opened']);
  });

  it('writes the change with its numbers, the slice, a trend and a link to the problem page', () => {
    const message = problemMessage(problem(), 'opened', 'https://dw.example.com/', OPENED);
    expect(message.type).toBe('problem.opened');
    expect(message.severity).toBe('warning');
    expect(message.dimension).toEqual({ name: 'model', value: 'gpt-4o-mini' });
    expect(message.link).toBe('https://dw.example.com/problems/p1?project=proj');
    expect(message.figures).toContainEqual({ label: 'Change', value: '+40 %' });
    expect(message.figures).toContainEqual({ label: 'Trend', value: '▁▁▁▅█' });
    const resolved = problemMessage(
      problem({ status: 'resolved', resolvedBy: 'ann' }),
      'resolved',
      null,
      OPENED,
    );
    expect(resolved.title.startsWith('Resolved: ')).toBe(true);
    expect(resolved.severity).toBe('info');
    expect(resolved.link).toBeUndefined();
  });

  it('draws a flat series as a flat line and folds long series into the width', () => {
    expect(textSparkline([5, 5, 5])).toBe('▁▁▁');
    expect(
      textSparkline(
        Array.from({ length: 100 }, (_, i) => i),
        10,
      ),
    ).toHaveLength(10);
    expect(textSparkline([])).toBe('');
  });
});
