/**
 * error_rate: errors / model calls (0..1); p95_latency_ms: of model calls; cost_usd: total cost in the window
 * (a window of 60 minutes is cost per hour); user_cost_usd: cost per user, one alert per user over the limit.
 */
export type MetricRuleMetric = 'error_rate' | 'p95_latency_ms' | 'cost_usd' | 'user_cost_usd';

/** A plain threshold on a metric over a sliding window, evaluated on an interval. */
export interface MetricRule {
  ruleId: string;
  projectId: string;
  name: string;
  metric: MetricRuleMetric;
  /** Fires when the value is above this. */
  threshold: number;
  windowMinutes: number;
  /**
   * Against flapping: a breach within this many minutes after the last notified resolution sends nothing (its
   * firing and resolution are recorded as suppressed); if it still breaches when the cooldown ends, it fires
   * then. 0: off.
   */
  cooldownMinutes: number;
  /** Only calls of this model (request or response model); empty: all. */
  model: string;
  destinationIds: string[];
  enabled: boolean;
  createdAt: string;
}

/** A value of a rule's metric now: key '' for the project (or model), the user id for user_cost_usd. */
export interface MetricObservation {
  key: string;
  value: number;
  /** Model calls it is computed from. */
  calls: number;
}

/** Whether a rule fires for a key; `episode` names one firing, so its open and resolve messages are one each. */
export interface RuleState {
  key: string;
  firing: boolean;
  episode: string;
  value: number;
  /** False until the transition's notifications are in the outbox (retried on the next evaluation). */
  notified: boolean;
  /** This episode began inside the cooldown: its firing and resolution are recorded as suppressed, not sent. */
  suppressed?: boolean;
  /** When the key's last notified episode resolved (epoch ms): the cooldown runs from here. */
  resolvedAt?: number;
}

/** Rules per project and what each last decided. Every call is scoped by project. */
export interface MetricRuleStore {
  create(input: Omit<MetricRule, 'ruleId' | 'createdAt'>): Promise<MetricRule>;
  list(projectId: string): Promise<MetricRule[]>;
  /** False when unknown. */
  remove(projectId: string, ruleId: string): Promise<boolean>;
  states(projectId: string, ruleId: string): Promise<RuleState[]>;
  saveStates(projectId: string, ruleId: string, states: RuleState[]): Promise<void>;
}

/** Computes a rule's metric over its window ending at nowMs; user_cost_usd returns only users over the limit. */
export interface MetricRuleReader {
  observe(rule: MetricRule, nowMs: number): Promise<MetricObservation[]>;
}

/**
 * Routes problems (from the detectors) to destinations. A problem matches when its kind is listed (or none are),
 * its severity reaches minSeverity, and dimension/value match when set. Each match sends one message when the
 * problem opens, a reminder every remindEveryMinutes while it stays open and unacknowledged (0: none), and one
 * when it resolves (notifyResolved).
 */
export interface ProblemRoute {
  routeId: string;
  projectId: string;
  name: string;
  /** Empty: every kind. */
  kinds: string[];
  /** 0..100 */
  minSeverity: number;
  /** Both empty: every slice. */
  dimension: string;
  value: string;
  destinationIds: string[];
  remindEveryMinutes: number;
  notifyResolved: boolean;
  enabled: boolean;
  createdAt: string;
}

/** Problem routes per project; every call is scoped by project. */
export interface ProblemRouteStore {
  create(input: Omit<ProblemRoute, 'routeId' | 'createdAt'>): Promise<ProblemRoute>;
  list(projectId: string): Promise<ProblemRoute[]>;
  /** False when unknown. */
  remove(projectId: string, routeId: string): Promise<boolean>;
}
