import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';

describe('Admission', () => {
  it('refuses a request past the slot limit and frees the slot on release', () => {
    const admission = new Admission({ maxInflightRequests: 2, maxInflightBytes: 1024 });
    const a = admission.tryAdmit();
    const b = admission.tryAdmit();
    expect(a && b).toBeTruthy();
    expect(admission.tryAdmit()).toBeNull();
    a!.release();
    expect(admission.inflightRequests).toBe(1);
    expect(admission.tryAdmit()).not.toBeNull();
  });

  it('releases exactly once however many endings report the same request', () => {
    const admission = new Admission({ maxInflightRequests: 2, maxInflightBytes: 1024 });
    const a = admission.tryAdmit()!;
    admission.tryAdmit();
    a.release();
    a.release();
    a.release();
    expect(admission.inflightRequests).toBe(1);
  });

  it('keeps slot and bytes while the work still holds them after the transport ended', () => {
    const admission = new Admission({ maxInflightRequests: 1, maxInflightBytes: 1024 });
    const ticket = admission.tryAdmit()!;
    const workDone = ticket.retain()!;
    expect(ticket.reserve(1000)).toBe(true);
    ticket.release(); // client disconnected
    expect(admission.inflightRequests).toBe(1);
    expect(admission.inflightBytes).toBe(1000);
    workDone();
    workDone();
    expect(admission.inflightRequests).toBe(0);
    expect(admission.inflightBytes).toBe(0);
  });

  it('refuses work on a ticket the transport already freed', () => {
    const admission = new Admission({ maxInflightRequests: 1, maxInflightBytes: 1024 });
    const ticket = admission.tryAdmit()!;
    ticket.release();
    expect(ticket.retain()).toBeNull();
    expect(ticket.reserve(1)).toBe(false);
    expect(admission.inflightBytes).toBe(0);
  });

  it('shares the byte budget between tickets and returns a ticket’s bytes when it is freed', () => {
    const admission = new Admission({ maxInflightRequests: 4, maxInflightBytes: 100 });
    const a = admission.tryAdmit()!;
    const b = admission.tryAdmit()!;
    expect(a.reserve(60)).toBe(true);
    expect(b.reserve(50)).toBe(false);
    expect(b.reserve(40)).toBe(true);
    expect(a.reservedBytes).toBe(60);
    a.release();
    expect(admission.inflightBytes).toBe(40);
    expect(b.reserve(60)).toBe(true);
  });

  it('lets a request alone in flight take working memory past the budget, others only within it', () => {
    const admission = new Admission({ maxInflightRequests: 4, maxInflightBytes: 100 });
    const big = admission.tryAdmit()!;
    expect(big.reserve(30)).toBe(true);
    expect(big.reserveWorking(1000)).toBe(true); // capped at the budget: 70 more
    expect(admission.inflightBytes).toBe(100);
    const other = admission.tryAdmit()!;
    expect(other.reserveWorking(1)).toBe(false);
    big.release();
    expect(other.reserveWorking(50)).toBe(true);
    expect(admission.inflightBytes).toBe(50);
  });
});
