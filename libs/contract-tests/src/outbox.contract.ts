import { randomBytes } from 'node:crypto';
import type { AlertNotification, ClaimedNotification, Outbox } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';

let n = 0;
function notification(projectId = 'p1', overrides: Partial<AlertNotification> = {}): AlertNotification {
  n += 1;
  return {
    notificationId: `msg_${n}_${randomBytes(4).toString('hex')}`,
    projectId,
    destinationId: 'd1',
    message: { type: 'test', title: `t${n}`, severity: 'info', summary: 's', figures: [], occurredAt: 'x' },
    createdAt: new Date(Date.now() - 1000).toISOString(),
    ...overrides,
  };
}

const attemptOf = (c: ClaimedNotification, outcome: 'delivered' | 'retryable' | 'permanent') => ({
  notificationId: c.notificationId,
  destinationId: c.destinationId,
  attempt: c.attempt,
  time: new Date().toISOString(),
  outcome,
  statusCode: outcome === 'delivered' ? 200 : 500,
  latencyMs: 12,
  error: outcome === 'delivered' ? '' : 'HTTP 500',
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Outbox contract; every outbox adapter runs it. `create` gives a fresh, empty outbox. */
export function outboxContract(name: string, create: () => Promise<Outbox>): void {
  describe(`outbox contract: ${name}`, () => {
    it('records a notification once per id, and only in its project', async () => {
      const outbox = await create();
      const a = notification('p1');
      expect(await outbox.enqueue(a)).toBe(true);
      expect(await outbox.enqueue({ ...a, message: { ...a.message, title: 'changed' } })).toBe(false);
      expect(await outbox.state('p1', a.notificationId)).toBe('pending');
      expect(await outbox.state('p2', a.notificationId)).toBeNull();
      const claimed = await outbox.claimDue('p1', 'c1', 10, 60_000);
      expect(claimed.map((c) => [c.notificationId, c.attempt, c.message.title])).toEqual([
        [a.notificationId, 1, a.message.title],
      ]);
      expect(await outbox.claimDue('p2', 'c1', 10, 60_000)).toEqual([]);
    });

    it('hands a due notification to one claimant at a time, even when two claim at once', async () => {
      const outbox = await create();
      const ids = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const item = notification('p1');
        ids.add(item.notificationId);
        await outbox.enqueue(item);
      }
      const [a, b] = await Promise.all([
        outbox.claimDue('p1', 'claimant-a', 100, 60_000),
        outbox.claimDue('p1', 'claimant-b', 100, 60_000),
      ]);
      const got = [...a, ...b].map((c) => c.notificationId);
      expect(new Set(got).size).toBe(got.length);
      expect(new Set(got)).toEqual(ids);
      // Leased: nobody gets them again while the leases live.
      expect(await outbox.claimDue('p1', 'claimant-c', 100, 60_000)).toEqual([]);
    });

    it('moves on after each try: retry when due, never again once sent or failed, and logs every try', async () => {
      const outbox = await create();
      const item = notification('p1');
      await outbox.enqueue(item);
      const [first] = await outbox.claimDue('p1', 'c1', 10, 60_000);
      await outbox.record(first!, attemptOf(first!, 'retryable'), {
        state: 'retry',
        dueAt: Date.now() + 400,
      });
      expect(await outbox.claimDue('p1', 'c1', 10, 60_000)).toEqual([]);
      await sleep(500);
      const [second] = await outbox.claimDue('p1', 'c2', 10, 60_000);
      expect(second?.attempt).toBe(2);
      await outbox.record(second!, attemptOf(second!, 'delivered'), { state: 'sent' });
      expect(await outbox.state('p1', item.notificationId)).toBe('sent');
      expect(await outbox.claimDue('p1', 'c3', 10, 60_000)).toEqual([]);
      const log = await outbox.deliveries('p1', 'd1', 10);
      expect(log.map((d) => [d.attempt, d.outcome, d.statusCode])).toEqual([
        [2, 'delivered', 200],
        [1, 'retryable', 500],
      ]);
      expect(await outbox.deliveries('p2', 'd1', 10)).toEqual([]);

      const doomed = notification('p1');
      await outbox.enqueue(doomed);
      const [only] = await outbox.claimDue('p1', 'c1', 10, 60_000);
      await outbox.record(only!, attemptOf(only!, 'permanent'), { state: 'failed' });
      expect(await outbox.state('p1', doomed.notificationId)).toBe('failed');
      expect(await outbox.claimDue('p1', 'c1', 10, 60_000)).toEqual([]);
    });

    it('gives a claimed notification to another claimant once the lease of a crashed one expires', async () => {
      const outbox = await create();
      const item = notification('p1');
      await outbox.enqueue(item);
      expect(await outbox.claimDue('p1', 'crashed', 10, 300)).toHaveLength(1);
      expect(await outbox.claimDue('p1', 'survivor', 10, 60_000)).toEqual([]);
      await sleep(400);
      const [again] = await outbox.claimDue('p1', 'survivor', 10, 60_000);
      expect([again?.notificationId, again?.attempt]).toEqual([item.notificationId, 1]);
    });

    it('records a suppressed notification without ever handing it out, and logs why', async () => {
      const outbox = await create();
      const held = notification('p1', { subject: 'rule:r1', transition: 'suppressed-opened' });
      expect(await outbox.suppress(held, 'within the cooldown')).toBe(true);
      expect(await outbox.suppress(held, 'again')).toBe(false);
      expect(await outbox.enqueue(held)).toBe(false);
      expect(await outbox.state('p1', held.notificationId)).toBe('suppressed');
      expect(await outbox.claimDue('p1', 'c1', 10, 60_000)).toEqual([]);
      const log = await outbox.deliveries('p1', 'd1', 10);
      expect(log.map((d) => [d.notificationId, d.attempt, d.outcome, d.statusCode, d.error])).toEqual([
        [held.notificationId, 0, 'suppressed', null, 'within the cooldown'],
      ]);
    });

    it("lists a subject's notifications with their state, tries and last status, in its project only", async () => {
      const outbox = await create();
      const opened = notification('p1', {
        subject: 'problem:x1',
        transition: 'opened',
        createdAt: new Date(Date.now() - 3000).toISOString(),
      });
      const other = notification('p1', {
        subject: 'problem:x1',
        transition: 'opened',
        destinationId: 'd2',
        createdAt: new Date(Date.now() - 2000).toISOString(),
      });
      await outbox.enqueue(opened);
      await outbox.enqueue(other);
      await outbox.enqueue(notification('p1', { subject: 'problem:x2', transition: 'opened' }));
      await outbox.enqueue(notification('p2', { subject: 'problem:x1', transition: 'opened' }));
      const claimed = await outbox.claimDue('p1', 'c1', 10, 60_000);
      const first = claimed.find((c) => c.notificationId === opened.notificationId)!;
      // The subject travels with the claim, and survives the state changes.
      expect([first.subject, first.transition]).toEqual(['problem:x1', 'opened']);
      await outbox.record(first, attemptOf(first, 'retryable'), { state: 'retry', dueAt: Date.now() });
      const [again] = (await outbox.claimDue('p1', 'c2', 10, 60_000)).filter(
        (c) => c.notificationId === opened.notificationId,
      );
      await outbox.record(again!, attemptOf(again!, 'delivered'), { state: 'sent' });

      const listed = await outbox.forSubject('p1', 'problem:x1', 10);
      expect(
        listed.map((n) => [
          n.notificationId,
          n.destinationId,
          n.transition,
          n.state,
          n.attempts,
          n.lastStatusCode,
        ]),
      ).toEqual([
        [opened.notificationId, 'd1', 'opened', 'sent', 2, 200],
        [other.notificationId, 'd2', 'opened', 'pending', 0, null],
      ]);
      expect(listed[0]!.lastAttemptAt).not.toBeNull();
      expect(listed[1]!.lastAttemptAt).toBeNull();
      expect(Date.parse(listed[0]!.createdAt)).toBe(Date.parse(opened.createdAt));
      expect(await outbox.forSubject('p3', 'problem:x1', 10)).toEqual([]);
      expect(await outbox.forSubject('p1', 'problem:x1', 1)).toHaveLength(1);
    });
  });
}
