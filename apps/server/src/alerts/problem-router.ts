import type { Outbox, Problem, ProblemRouteStore, ProblemStore, ProjectStore } from '@driftwatch/contracts';
import { problemMessage, problemNotifications, wantsReminders } from '@driftwatch/alerts';
import { IntervalLoop } from './interval-loop.js';

export interface ProblemRouterOptions {
  problems: ProblemStore;
  routes: ProblemRouteStore;
  outbox: Outbox;
  projects: ProjectStore;
  intervalMs: number;
  dashboardUrl: string | null;
  /** Tells the notifier something is due. */
  wake: () => void;
  log: (message: string) => void;
}

/** The outbox subject of a problem's notifications (GET /api/problems/{id}/notifications reads by it). */
export const problemSubject = (problemId: string) => `problem:${problemId}`;

/** Problems scanned per project and evaluation, newest first: open ones, and the latest resolutions. */
const SCAN_LIMIT = 500;
const RESOLVED_HORIZON_MS = 24 * 3_600_000;

/**
 * Turns problems into notifications on an interval (part of the notifier role). It keeps no state of its own:
 * the notification ids come from the problem, the transition and the destination (problem-routing.ts), and the
 * outbox records an id once, so a restart, a second notifier or a re-evaluation never sends a message twice,
 * and a problem recorded while the notifier was down is told when it comes back.
 */
export class ProblemRouter {
  private readonly loop: IntervalLoop;

  constructor(private readonly options: ProblemRouterOptions) {
    this.loop = new IntervalLoop(
      options.intervalMs,
      () => this.routeAll(),
      (error) => options.log(`problem routing failed: ${error.message}`),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over every project (exposed for tests; the timer calls it). Returns the notifications recorded. */
  async routeAll(nowMs = Date.now()): Promise<number> {
    let recorded = 0;
    for (const project of await this.options.projects.listProjects()) {
      if (this.loop.isStopped) break;
      recorded += await this.routeProject(project.projectId, nowMs).catch((error: unknown) => {
        this.options.log(`problem routing (project ${project.projectId}): ${(error as Error).message}`);
        return 0;
      });
    }
    if (recorded > 0) this.options.wake();
    return recorded;
  }

  private async routeProject(projectId: string, nowMs: number): Promise<number> {
    const { problems, routes, outbox, dashboardUrl } = this.options;
    const projectRoutes = (await routes.list(projectId)).filter((r) => r.enabled);
    if (projectRoutes.length === 0) return 0;
    const [active, resolved] = await Promise.all([
      problems.list({ projectId, status: ['open', 'acknowledged'], sort: 'time', limit: SCAN_LIMIT }),
      problems.list({ projectId, status: ['resolved'], sort: 'time', limit: SCAN_LIMIT }),
    ]);
    let recorded = 0;
    // A resolution older than a day was told (or its route came later); re-reading it costs a query each.
    const recent = resolved.items.filter((p) => (p.resolvedAt ?? 0) >= nowMs - RESOLVED_HORIZON_MS);
    for (const problem of [...active.items, ...recent] as Problem[]) {
      const opened = wantsReminders(problem, projectRoutes)
        ? await this.openedRecordedAt(projectId, problem.id)
        : undefined;
      for (const due of problemNotifications(problem, projectRoutes, nowMs, opened)) {
        const added = await outbox.enqueue({
          notificationId: due.notificationId,
          projectId,
          destinationId: due.destinationId,
          message: problemMessage(problem, due.transition, dashboardUrl, nowMs),
          createdAt: new Date(nowMs).toISOString(),
          subject: problemSubject(problem.id),
          transition: due.tag,
        });
        if (added) recorded += 1;
      }
    }
    return recorded;
  }

  /** When each destination's opened message of a problem was recorded: reminders count from there. */
  private async openedRecordedAt(projectId: string, problemId: string): Promise<Map<string, number>> {
    const recorded = await this.options.outbox.forSubject(projectId, problemSubject(problemId), 500);
    return new Map(
      recorded
        .filter((n) => n.transition === 'opened')
        .map((n) => [n.destinationId, Date.parse(n.createdAt)]),
    );
  }
}
