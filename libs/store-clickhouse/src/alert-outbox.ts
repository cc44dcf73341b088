import type { ClickHouseClient } from '@clickhouse/client';
import type {
  AlertMessage,
  AlertNotification,
  ClaimedNotification,
  DeliveryAttempt,
  NextStep,
  NotificationState,
  Outbox,
  SubjectNotification,
} from '@driftwatch/contracts';
import { currentHolder } from './alert-lease.js';
import { fromClickHouseTime, toClickHouseTime } from './clickhouse-time.js';

interface NotificationRow {
  notification_id: string;
  destination_id: string;
  subject: string;
  transition: string;
  message: string;
  attempts: number;
  created_at: string;
}

/**
 * The alert outbox in ClickHouse. A notification is a row; each try adds a row with a higher version
 * (2 x attempts, +1 once sent or failed), read with FINAL, so the latest state wins whatever the order.
 *
 * Claiming, without row locks: a claimant reads the due items that have no live lease for their next try,
 * inserts a lease row each, reads the leases back and keeps the items whose current holder (alert-lease.ts:
 * the earliest live lease by the server's clock) is itself. Guarantee: two notifier processes on one
 * ClickHouse server do not both send the same try in the normal case, because the one who leased second sees
 * the first lease when it reads back. They can both send when their lease inserts overlap so closely that
 * each reads back before the other's row is visible, when replicas lag (a cluster read from another replica),
 * or when a claimant sends after its lease expired (the notifier does not start a send that could). Then
 * the receiver gets the same webhook-id twice: at-least-once, never lost, because an item stays pending until
 * a try is recorded as sent or failed. Run one notifier per project set to make even that rare.
 */
export class ClickHouseOutbox implements Outbox {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async enqueue(n: AlertNotification): Promise<boolean> {
    if (await this.state(n.projectId, n.notificationId)) return false;
    const created = Date.parse(n.createdAt);
    await this.insertNotification(n, { state: 'pending', attempts: 0, dueAt: created, version: 0 });
    return true;
  }

  /** Final at once (version 1 outranks the pending row a racing enqueue could add); logged with attempt 0. */
  async suppress(n: AlertNotification, reason: string): Promise<boolean> {
    if (await this.state(n.projectId, n.notificationId)) return false;
    const created = Date.parse(n.createdAt);
    await this.client.insert({
      table: `${this.database}.alert_deliveries`,
      values: [
        {
          project_id: n.projectId,
          destination_id: n.destinationId,
          notification_id: n.notificationId,
          attempt: 0,
          time: toClickHouseTime(created),
          outcome: 'suppressed',
          status_code: null,
          latency_ms: 0,
          error: reason,
        },
      ],
      format: 'JSONEachRow',
    });
    await this.insertNotification(n, { state: 'suppressed', attempts: 0, dueAt: created, version: 1 });
    return true;
  }

  /**
   * The ids are found without FINAL (the subject never changes, and the skip index on subject serves a plain
   * read), then read with FINAL by primary key.
   */
  async forSubject(projectId: string, subject: string, limit: number): Promise<SubjectNotification[]> {
    const db = this.database;
    const rows = await this.rows<{
      notification_id: string;
      destination_id: string;
      transition: string;
      state: NotificationState;
      attempts: number;
      created_at: string;
      last_status: number | null;
      last_time: string | null;
    }>(
      `SELECT n.notification_id AS notification_id, n.destination_id AS destination_id, n.transition AS transition,
              n.state AS state, n.attempts AS attempts, toString(n.created_at) AS created_at,
              d.last_status AS last_status, if(d.tries = 0, NULL, toString(d.last_time)) AS last_time
       FROM (
         SELECT notification_id, destination_id, transition, state, attempts, created_at
         FROM ${db}.alert_notifications FINAL
         WHERE project_id = {projectId:String} AND notification_id IN (
           SELECT notification_id FROM ${db}.alert_notifications
           WHERE project_id = {projectId:String} AND subject = {subject:String})
         ORDER BY created_at, notification_id LIMIT {limit:UInt32}
       ) AS n
       LEFT JOIN (
         SELECT notification_id, count() AS tries, argMax(tuple(status_code), (attempt, time)).1 AS last_status,
                max(time) AS last_time
         FROM ${db}.alert_deliveries
         WHERE project_id = {projectId:String} AND attempt > 0 AND notification_id IN (
           SELECT notification_id FROM ${db}.alert_notifications
           WHERE project_id = {projectId:String} AND subject = {subject:String})
         GROUP BY notification_id
       ) AS d ON d.notification_id = n.notification_id
       ORDER BY n.created_at, n.notification_id
       SETTINGS join_use_nulls = 1`,
      { projectId, subject, limit },
    );
    return rows.map((r) => ({
      notificationId: r.notification_id,
      destinationId: r.destination_id,
      transition: r.transition,
      state: r.state,
      attempts: Number(r.attempts),
      createdAt: fromClickHouseTime(r.created_at),
      lastStatusCode: r.last_status === null ? null : Number(r.last_status),
      lastAttemptAt: r.last_time === null ? null : fromClickHouseTime(r.last_time),
    }));
  }

  async claimDue(
    projectId: string,
    claimant: string,
    limit: number,
    leaseMs: number,
  ): Promise<ClaimedNotification[]> {
    const db = this.database;
    const due = await this.rows<NotificationRow>(
      `SELECT notification_id, destination_id, subject, transition, message, attempts,
              toString(created_at) AS created_at
       FROM ${db}.alert_notifications FINAL
       WHERE project_id = {projectId:String} AND state = 'pending' AND due_at <= now64(3)
         AND (notification_id, attempts + 1) NOT IN (
           SELECT notification_id, attempt FROM ${db}.alert_leases
           WHERE project_id = {projectId:String}
             AND leased_at + toIntervalMillisecond(lease_ms) > now64(6))
       ORDER BY due_at LIMIT {limit:UInt32}`,
      { projectId, limit },
    );
    if (due.length === 0) return [];
    await this.client.insert({
      table: `${db}.alert_leases`,
      values: due.map((r) => ({
        project_id: projectId,
        notification_id: r.notification_id,
        attempt: Number(r.attempts) + 1,
        claimant,
        lease_ms: leaseMs,
      })),
      format: 'JSONEachRow',
    });
    const leases = await this.rows<{
      notification_id: string;
      attempt: number;
      claimant: string;
      micros: string;
      lease_ms: number;
    }>(
      `SELECT notification_id, attempt, claimant, toUnixTimestamp64Micro(leased_at) AS micros, lease_ms
       FROM ${db}.alert_leases
       WHERE project_id = {projectId:String} AND notification_id IN {ids:Array(String)}`,
      { projectId, ids: due.map((r) => r.notification_id) },
    );
    return due
      .filter((r) => {
        const attempt = Number(r.attempts) + 1;
        const rows = leases
          .filter((l) => l.notification_id === r.notification_id && Number(l.attempt) === attempt)
          .map((l) => ({
            claimant: l.claimant,
            leasedAtMicros: Number(l.micros),
            leaseMs: Number(l.lease_ms),
          }));
        return currentHolder(rows) === claimant;
      })
      .map((r) => ({
        notificationId: r.notification_id,
        projectId,
        destinationId: r.destination_id,
        message: JSON.parse(r.message) as AlertMessage,
        createdAt: fromClickHouseTime(r.created_at),
        ...(r.subject ? { subject: r.subject } : {}),
        ...(r.transition ? { transition: r.transition } : {}),
        attempt: Number(r.attempts) + 1,
      }));
  }

  async record(claimed: ClaimedNotification, attempt: DeliveryAttempt, next: NextStep): Promise<void> {
    const db = this.database;
    await this.client.insert({
      table: `${db}.alert_deliveries`,
      values: [
        {
          project_id: claimed.projectId,
          destination_id: claimed.destinationId,
          notification_id: claimed.notificationId,
          attempt: attempt.attempt,
          time: toClickHouseTime(Date.parse(attempt.time)),
          outcome: attempt.outcome,
          status_code: attempt.statusCode,
          latency_ms: attempt.latencyMs,
          error: attempt.error,
        },
      ],
      format: 'JSONEachRow',
    });
    await this.insertNotification(claimed, {
      state: next.state === 'retry' ? 'pending' : next.state,
      attempts: claimed.attempt,
      dueAt: next.state === 'retry' ? next.dueAt : Date.parse(claimed.createdAt),
      version: 2 * claimed.attempt + (next.state === 'retry' ? 0 : 1),
    });
  }

  /** One state of a notification: a whole row, as ReplacingMergeTree keeps the latest version's row. */
  private async insertNotification(
    n: AlertNotification,
    at: { state: NotificationState; attempts: number; dueAt: number; version: number },
  ): Promise<void> {
    await this.client.insert({
      table: `${this.database}.alert_notifications`,
      values: [
        {
          project_id: n.projectId,
          notification_id: n.notificationId,
          destination_id: n.destinationId,
          subject: n.subject ?? '',
          transition: n.transition ?? '',
          message: JSON.stringify(n.message),
          state: at.state,
          attempts: at.attempts,
          due_at: toClickHouseTime(at.dueAt),
          created_at: toClickHouseTime(Date.parse(n.createdAt)),
          version: at.version,
        },
      ],
      format: 'JSONEachRow',
    });
  }

  async deliveries(projectId: string, destinationId: string, limit: number): Promise<DeliveryAttempt[]> {
    const rows = await this.rows<{
      notification_id: string;
      attempt: number;
      time: string;
      outcome: DeliveryAttempt['outcome'];
      status_code: number | null;
      latency_ms: number;
      error: string;
    }>(
      `SELECT notification_id, attempt, toString(time) AS time, outcome, status_code, latency_ms, error
       FROM ${this.database}.alert_deliveries
       WHERE project_id = {projectId:String} AND destination_id = {destinationId:String}
       ORDER BY time DESC, attempt DESC LIMIT {limit:UInt32}`,
      { projectId, destinationId, limit },
    );
    return rows.map((r) => ({
      notificationId: r.notification_id,
      destinationId,
      attempt: Number(r.attempt),
      time: fromClickHouseTime(r.time),
      outcome: r.outcome,
      statusCode: r.status_code === null ? null : Number(r.status_code),
      latencyMs: Number(r.latency_ms),
      error: r.error,
    }));
  }

  async state(projectId: string, notificationId: string): Promise<NotificationState | null> {
    const [row] = await this.rows<{ state: NotificationState }>(
      `SELECT state FROM ${this.database}.alert_notifications FINAL
       WHERE project_id = {projectId:String} AND notification_id = {notificationId:String}`,
      { projectId, notificationId },
    );
    return row?.state ?? null;
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return result.json<T>();
  }
}
