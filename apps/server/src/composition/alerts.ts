import type { ClickHouseClient } from '@clickhouse/client';
import { type Deadline, msLeft } from '@driftwatch/contracts';
import type {
  AlertDestinationStore,
  MetricRuleStore,
  Outbox,
  ProblemRouteStore,
  ProblemStore,
  ProjectStore,
} from '@driftwatch/contracts';
import { AddressGuard, AesGcmSecretCipher, HttpAlertSender } from '@driftwatch/alerts';
import {
  ClickHouseAlertDestinationStore,
  ClickHouseMetricRuleReader,
  ClickHouseMetricRuleStore,
  ClickHouseOutbox,
  ClickHouseProblemRouteStore,
} from '@driftwatch/store-clickhouse';
import { loadAlertsConfig } from '../alerts/alerts-config.js';
import { Notifier } from '../alerts/notifier.js';
import { ProblemRouter } from '../alerts/problem-router.js';
import { RuleRunner } from '../alerts/rule-runner.js';
import { loadSecretKey } from '../alerts/secret-key.js';
import type { DriftwatchConfig } from '../config/config.js';

export interface Alerts {
  outbox: Outbox;
  /** Null when no secret key is available (distributed mode without DRIFTWATCH_SECRET_KEY). */
  destinations: AlertDestinationStore | null;
  rules: MetricRuleStore;
  routes: ProblemRouteStore;
  /** Checks a destination URL when it is added (and again at every send). */
  guard: AddressGuard;
  /** Tells this process's notifier, if it runs one, that something is due now. */
  wake(): void;
  /** Stops the notifier; a send in flight is abandoned at the deadline (it stays pending, resent later). */
  shutdown(deadline: Deadline): Promise<void>;
}

/** The alert adapters: outbox and destinations in ClickHouse, HTTP sender behind the address guard. */
export async function createAlerts(
  config: DriftwatchConfig,
  client: ClickHouseClient,
  projects: ProjectStore,
  problems: ProblemStore,
  log: (message: string) => void,
): Promise<Alerts> {
  const settings = loadAlertsConfig();
  const key = await loadSecretKey({
    configured: settings.secretKey,
    embedded: !config.clickhouse,
    dataDir: config.dataDir,
  });
  const outbox = new ClickHouseOutbox(client, config.database);
  const destinations = key
    ? new ClickHouseAlertDestinationStore(client, config.database, new AesGcmSecretCipher(key))
    : null;
  const rules = new ClickHouseMetricRuleStore(client, config.database);
  const routes = new ClickHouseProblemRouteStore(client, config.database);
  const guard = new AddressGuard(settings.allowedHosts);
  let notifier: Notifier | null = null;
  let ruleRunner: RuleRunner | null = null;
  let problemRouter: ProblemRouter | null = null;
  if (config.roles.has('notifier')) {
    if (destinations) {
      notifier = new Notifier({
        outbox,
        destinations,
        sender: new HttpAlertSender({
          guard,
          timeoutMs: settings.timeoutMs,
          maxResponseBytes: settings.maxResponseBytes,
          userAgent: 'Driftwatch-Alerts/1',
        }),
        projects,
        policy: settings.retry,
        pollMs: settings.pollMs,
        leaseMs: settings.leaseMs,
        sendTimeoutMs: settings.timeoutMs,
        log,
      });
      notifier.start();
      const wake = notifier.wake.bind(notifier);
      ruleRunner = new RuleRunner({
        rules,
        reader: new ClickHouseMetricRuleReader(client, config.database),
        outbox,
        projects,
        intervalMs: settings.rulesIntervalMs,
        dashboardUrl: config.dashboardUrl ?? null,
        wake,
        log,
      });
      ruleRunner.start();
      problemRouter = new ProblemRouter({
        problems,
        routes,
        outbox,
        projects,
        intervalMs: settings.problemsIntervalMs,
        dashboardUrl: config.dashboardUrl ?? null,
        wake,
        log,
      });
      problemRouter.start();
    } else log('notifier: DRIFTWATCH_SECRET_KEY is not set, so no alerts are sent');
  }
  return {
    outbox,
    destinations,
    rules,
    routes,
    guard,
    wake: () => notifier?.wake(),
    shutdown: async (deadline) => {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((r) => (timer = setTimeout(r, msLeft(deadline) / 2)));
      await Promise.race([
        Promise.all([notifier?.stop(), ruleRunner?.stop(), problemRouter?.stop()]),
        expired,
      ]);
      clearTimeout(timer);
    },
  };
}
