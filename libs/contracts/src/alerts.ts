/** Where alerts of a project go. Slack: an incoming-webhook URL; webhook: any URL, signed (Standard Webhooks). */
export type AlertDestinationKind = 'slack' | 'webhook';

/** A destination as lists show it: never the URL or the signing secret. */
export interface AlertDestinationInfo {
  destinationId: string;
  projectId: string;
  kind: AlertDestinationKind;
  name: string;
  /** Scheme and host only ("https://hooks.slack.com/…"): enough to recognise, useless to an attacker. */
  urlHint: string;
  enabled: boolean;
  createdAt: string;
}

/** What a sender needs; server-side only (holds the secrets). */
export interface AlertDestination extends AlertDestinationInfo {
  url: string;
  /** `whsec_` + base64 (webhook kind); empty for Slack, whose URL is the secret. */
  signingSecret: string;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** The content of an alert, independent of the wire format. */
export interface AlertMessage {
  /** problem.opened, problem.resolved, metric.threshold, test ... (the webhook payload's `type`). */
  type: string;
  title: string;
  severity: AlertSeverity;
  /** What changed, with the numbers ("p95 latency 2.1 s, was 0.8 s over the previous 7 days"). */
  summary: string;
  /** The slice it concerns, e.g. model = gpt-4o-mini. */
  dimension?: { name: string; value: string };
  /** Key figures, shown as label: value. */
  figures: Array<{ label: string; value: string }>;
  /** The problem page or the metric in the dashboard. */
  link?: string;
  occurredAt: string;
}

/** One message to one destination; notificationId is stable across resends (the webhook-id). */
export interface AlertNotification {
  notificationId: string;
  projectId: string;
  destinationId: string;
  message: AlertMessage;
  createdAt: string;
  /** What it is about: "problem:<id>", "rule:<id>" (empty for test messages), to list a problem's messages. */
  subject?: string;
  /** Which turn of the subject: opened, reminder-2, resolved. */
  transition?: string;
}

export type NotificationState = 'pending' | 'sent' | 'failed' | 'suppressed';

/** One notification of a subject as the problem page shows it: where, which turn, how its delivery went. */
export interface SubjectNotification {
  notificationId: string;
  destinationId: string;
  transition: string;
  state: NotificationState;
  /** Tries made so far. */
  attempts: number;
  createdAt: string;
  /** Of the latest try; null before the first or when no HTTP answer came. */
  lastStatusCode: number | null;
  lastAttemptAt: string | null;
}

export type SendOutcome =
  | { status: 'delivered'; statusCode: number; latencyMs: number }
  | { status: 'retryable'; statusCode?: number; latencyMs: number; error: string; retryAfterMs?: number }
  | { status: 'permanent'; statusCode?: number; latencyMs: number; error: string };

/** Sends one notification to one destination, once; never throws (a failure is an outcome). */
export interface AlertSender {
  send(destination: AlertDestination, notification: AlertNotification): Promise<SendOutcome>;
}

/** One try, as the delivery log shows it. */
export interface DeliveryAttempt {
  notificationId: string;
  destinationId: string;
  attempt: number;
  time: string;
  /** `suppressed`: recorded but deliberately not sent (attempt 0; `error` says why). */
  outcome: SendOutcome['status'] | 'suppressed';
  statusCode: number | null;
  latencyMs: number;
  error: string;
}

/** An outbox item handed to one claimant; `attempt` is the number this try will have (1 = first). */
export interface ClaimedNotification extends AlertNotification {
  attempt: number;
}

/** After a try: done (sent or given up), or try again at a time. */
export type NextStep = { state: 'sent' } | { state: 'failed' } | { state: 'retry'; dueAt: number };

/**
 * Notifications recorded before they are sent, so a crash resends instead of losing them (at-least-once, same
 * notificationId each time). Every call is scoped by project.
 */
export interface Outbox {
  /** Records a notification; a second call with the same id changes nothing and returns false. */
  enqueue(notification: AlertNotification): Promise<boolean>;
  /**
   * Notifications due now and not leased by another claimant, leased to this one for leaseMs. See the adapter
   * for how strong the exclusion is.
   */
  claimDue(
    projectId: string,
    claimant: string,
    limit: number,
    leaseMs: number,
  ): Promise<ClaimedNotification[]>;
  /** Logs the try and moves the claimed notification on (sent, failed, or due again later). */
  record(claimed: ClaimedNotification, attempt: DeliveryAttempt, next: NextStep): Promise<void>;
  /** Newest first. */
  deliveries(projectId: string, destinationId: string, limit: number): Promise<DeliveryAttempt[]>;
  /** pending, sent, failed or suppressed; null when unknown. */
  state(projectId: string, notificationId: string): Promise<NotificationState | null>;
  /**
   * Records a notification that is deliberately not sent (state suppressed) and a delivery-log row saying why,
   * so it is visible rather than dropped. False when the id is already recorded.
   */
  suppress(notification: AlertNotification, reason: string): Promise<boolean>;
  /** The notifications recorded for a subject (e.g. "problem:<id>"), oldest first. */
  forSubject(projectId: string, subject: string, limit: number): Promise<SubjectNotification[]>;
}

/** Destinations per project; the secrets never leave the server (the API returns AlertDestinationInfo). */
export interface AlertDestinationStore {
  create(input: Omit<AlertDestination, 'destinationId' | 'createdAt' | 'urlHint'>): Promise<AlertDestination>;
  list(projectId: string): Promise<AlertDestinationInfo[]>;
  /** With its secrets, for the sender; null when unknown or deleted. */
  get(projectId: string, destinationId: string): Promise<AlertDestination | null>;
  /** False when unknown. */
  remove(projectId: string, destinationId: string): Promise<boolean>;
  /** Notifications to a disabled destination are not sent: the log shows each failed as disabled. False when unknown. */
  setEnabled(projectId: string, destinationId: string, enabled: boolean): Promise<boolean>;
}

/** Seals secrets at rest; context binds a sealed value to its row (authenticated, not secret). */
export interface SecretCipher {
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}
