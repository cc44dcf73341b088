import { describe, expect, it } from 'vitest';
import { FeedbackDeliveryError, FeedbackQueueFullError, FeedbackValidationError } from '../errors.js';
import type { FeedbackItem } from './item.js';
import { FeedbackQueue, type FeedbackQueueOptions } from './queue.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

interface Call {
  url: string;
  authorization: string | null;
  items: FeedbackItem[];
}

/** A fetch that records each request and answers from a script (the last answer repeats). */
function scriptedFetch(answers: (Response | Error | 'hang')[]) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const body = JSON.parse(String(init?.body)) as { items: FeedbackItem[] };
    calls.push({ url: String(input), authorization: headers.get('authorization'), items: body.items });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    if (answer instanceof Error) throw answer;
    return (answer as Response).clone();
  };
  return { calls, fetch };
}

/** A server whose rubric refuses the value "bad" with a 400, naming the items (as Driftwatch does) or not. */
function rubricFetch(namesItems: boolean) {
  const calls: Call[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const items = (JSON.parse(String(init?.body)) as { items: FeedbackItem[] }).items;
    calls.push({ url: String(input), authorization: null, items });
    const bad = items.flatMap((item, i) => (item.value === 'bad' ? [i] : []));
    if (bad.length === 0) return ok(items.length);
    const message = namesItems
      ? `invalid feedback: ${bad.map((i) => `items[${i}].value: "bad" is not one of the labels`).join('; ')}`
      : 'invalid feedback';
    return new Response(JSON.stringify({ statusCode: 400, message }), { status: 400 });
  };
  return { calls, fetch };
}

const ok = (accepted: number) =>
  new Response(JSON.stringify({ accepted, duplicates: 0, ids: [] }), { status: 200 });

function queueWith(fetch: typeof globalThis.fetch, options: Partial<FeedbackQueueOptions> = {}) {
  const sleeps: number[] = [];
  const errors: FeedbackDeliveryError[] = [];
  let key = 0;
  const queue = new FeedbackQueue({
    endpoint: 'http://driftwatch.test/',
    apiKey: 'dw_test',
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    now: () => 1_767_225_600_000,
    newKey: () => `key-${++key}`,
    onError: (error) => errors.push(error),
    flushIntervalMs: 60_000,
    ...options,
  });
  return { queue, sleeps, errors };
}

describe('FeedbackQueue', () => {
  it('sends items in order, in batches of batchSize, with a generated idempotency key and time each', async () => {
    const { calls, fetch } = scriptedFetch([ok(100), ok(100), ok(50)]);
    const { queue } = queueWith(fetch, { batchSize: 100 });
    for (let i = 0; i < 250; i++) queue.enqueue({ traceId: TRACE, name: 'thumbs', value: i });
    await queue.flush();

    expect(calls.map((c) => c.items.length)).toEqual([100, 100, 50]);
    expect(calls[0]?.url).toBe('http://driftwatch.test/api/feedback');
    expect(calls[0]?.authorization).toBe('Bearer dw_test');
    const items = calls.flatMap((c) => c.items);
    expect(items.map((i) => i.value)).toEqual([...Array(250).keys()]);
    expect(new Set(items.map((i) => i.idempotencyKey)).size).toBe(250);
    expect(items[0]).toEqual({
      traceId: TRACE,
      name: 'thumbs',
      value: 0,
      idempotencyKey: 'key-1',
      timeMs: 1_767_225_600_000,
    });
    expect(queue.stats()).toMatchObject({ accepted: 250, failed: 0, queued: 0, requests: 3 });
  });

  it('waits what Retry-After says after a 429 and resends the same items with the same keys', async () => {
    const throttled = new Response('{"error":"slow down"}', { status: 429, headers: { 'retry-after': '2' } });
    const { calls, fetch } = scriptedFetch([throttled, ok(2)]);
    const { queue, sleeps } = queueWith(fetch);
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: true });
    queue.enqueue({ spanId: '00f067aa0ba902b7', name: 'label', value: 'wrong-tool', idempotencyKey: 'mine' });
    await queue.flush();

    expect(sleeps).toEqual([2000]);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.items).toEqual(calls[0]?.items);
    expect(calls[1]?.items.map((i) => i.idempotencyKey)).toEqual(['key-1', 'mine']);
    expect(queue.stats()).toMatchObject({ accepted: 2, failed: 0, requests: 2 });
  });

  it('backs off exponentially on 5xx and network errors when there is no Retry-After', async () => {
    const unavailable = new Response('down', { status: 503 });
    const { calls, fetch } = scriptedFetch([unavailable, new TypeError('fetch failed'), unavailable, ok(1)]);
    const { queue, sleeps } = queueWith(fetch, { initialBackoffMs: 100, maxBackoffMs: 300 });
    queue.enqueue({ traceId: TRACE, name: 'score', value: 0.5 });
    await queue.flush();

    // random() = 0: half of each step, the steps 100, 200, 300 (capped).
    expect(sleeps).toEqual([50, 100, 150]);
    expect(calls).toHaveLength(4);
    expect(queue.stats()).toMatchObject({ accepted: 1, failed: 0 });
  });

  it('does not retry a 400, reports it to onError and to the next flush only, and goes on with later items', async () => {
    const refused = new Response('{"message":"items[0].value: too long"}', { status: 400 });
    const { calls, fetch } = scriptedFetch([refused, ok(1)]);
    const { queue, errors } = queueWith(fetch);
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: true });

    const rejection = await queue.flush().catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(FeedbackDeliveryError);
    expect((rejection as FeedbackDeliveryError).status).toBe(400);
    expect((rejection as FeedbackDeliveryError).idempotencyKeys).toEqual(['key-1']);
    expect((rejection as Error).message).toContain('items[0].value: too long');
    expect(errors).toHaveLength(1);
    expect(calls).toHaveLength(1);

    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: false });
    await expect(queue.flush()).resolves.toBeUndefined();
    expect(queue.stats()).toMatchObject({ accepted: 1, failed: 1 });
  });

  it('reports only the items a 400 names and sends the rest of the batch again', async () => {
    const { fetch, calls } = rubricFetch(true);
    const { queue } = queueWith(fetch);
    for (const value of ['good', 'bad', 'good', 'bad'])
      queue.enqueue({ traceId: TRACE, name: 'label', value });
    const rejection = (await queue.flush().catch((error: unknown) => error)) as FeedbackDeliveryError;
    expect(rejection.idempotencyKeys).toEqual(['key-2', 'key-4']);
    expect(rejection.message).toContain('items[1].value');
    expect(calls.map((c) => c.items.map((i) => i.idempotencyKey))).toEqual([
      ['key-1', 'key-2', 'key-3', 'key-4'],
      ['key-1', 'key-3'],
    ]);
    expect(queue.stats()).toMatchObject({ accepted: 2, failed: 2 });
  });

  it('halves a refused batch whose 400 names no item until the bad one stands alone', async () => {
    const { fetch, calls } = rubricFetch(false);
    const { queue } = queueWith(fetch);
    for (const value of ['good', 'good', 'good', 'bad'])
      queue.enqueue({ traceId: TRACE, name: 'label', value });
    const rejection = (await queue.flush().catch((error: unknown) => error)) as FeedbackDeliveryError;
    expect(rejection.idempotencyKeys).toEqual(['key-4']);
    expect(calls.map((c) => c.items.length)).toEqual([4, 2, 2, 1, 1]);
    expect(queue.stats()).toMatchObject({ accepted: 3, failed: 1 });
  });

  it('gives up after maxAttempts and says so', async () => {
    const { calls, fetch } = scriptedFetch([new Response('', { status: 502 })]);
    const { queue } = queueWith(fetch, { maxAttempts: 3 });
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: true });
    await expect(queue.flush()).rejects.toThrow(/answered 502.*after 3 attempts/);
    expect(calls).toHaveLength(3);
  });

  it('refuses a new item when full instead of dropping an older one, and takes items again once sent', async () => {
    const { calls, fetch } = scriptedFetch([ok(3)]);
    const { queue } = queueWith(fetch, { maxQueueSize: 3 });
    for (const value of [1, 2, 3]) queue.enqueue({ traceId: TRACE, name: 'score', value });
    expect(() => queue.enqueue({ traceId: TRACE, name: 'score', value: 4 })).toThrow(FeedbackQueueFullError);
    await queue.flush();
    expect(calls.flatMap((c) => c.items.map((i) => i.value))).toEqual([1, 2, 3]);
    expect(() => queue.enqueue({ traceId: TRACE, name: 'score', value: 5 })).not.toThrow();
  });

  it('bounds the buffer by bytes as well as by items', async () => {
    const { fetch } = scriptedFetch([ok(1)]);
    const { queue } = queueWith(fetch, { maxQueueBytes: 10_000 });
    queue.enqueue({ traceId: TRACE, name: 'note', value: 'x', comment: 'a'.repeat(4000) });
    queue.enqueue({ traceId: TRACE, name: 'note', value: 'x', comment: 'a'.repeat(4000) });
    expect(() =>
      queue.enqueue({ traceId: TRACE, name: 'note', value: 'x', comment: 'a'.repeat(4000) }),
    ).toThrow(/buffer full/);
  });

  it('cuts a batch at maxBatchBytes (at least one item per request)', async () => {
    const { calls, fetch } = scriptedFetch([ok(1)]);
    const { queue } = queueWith(fetch, { maxBatchBytes: 5000 });
    for (let i = 0; i < 3; i++)
      queue.enqueue({ traceId: TRACE, name: 'note', value: i, correction: 'c'.repeat(3000) });
    await queue.flush();
    expect(calls.map((c) => c.items.length)).toEqual([1, 1, 1]);
  });

  it('rejects an item the server would refuse, naming the field, before buffering it', () => {
    const { fetch } = scriptedFetch([ok(1)]);
    const { queue } = queueWith(fetch);
    const fieldOf = (item: unknown) => {
      try {
        queue.enqueue(item as never);
      } catch (error) {
        expect(error).toBeInstanceOf(FeedbackValidationError);
        return (error as FeedbackValidationError).field;
      }
      return 'accepted';
    };
    expect(fieldOf({ name: 'thumbs', value: true })).toBe('traceId');
    expect(fieldOf({ traceId: 'abc', name: 'thumbs', value: true })).toBe('traceId');
    expect(fieldOf({ spanId: TRACE, name: 'thumbs', value: true })).toBe('spanId');
    expect(fieldOf({ traceId: TRACE, name: 'thumbs up', value: true })).toBe('name');
    expect(fieldOf({ traceId: TRACE, name: 'x'.repeat(65), value: true })).toBe('name');
    expect(fieldOf({ traceId: TRACE, name: 'label', value: 'v'.repeat(257) })).toBe('value');
    expect(fieldOf({ traceId: TRACE, name: 'score', value: Number.NaN })).toBe('value');
    expect(fieldOf({ traceId: TRACE, name: 'score', value: null })).toBe('value');
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, comment: 'c'.repeat(4001) })).toBe('comment');
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, correction: 'c'.repeat(32_769) })).toBe(
      'correction',
    );
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, metadata: { plan: 3 } })).toBe('metadata.plan');
    expect(fieldOf({ traceId: '0'.repeat(32), name: 'n', value: 1 })).toBe('traceId');
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, userId: 'u'.repeat(257) })).toBe('userId');
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, metadata: many })).toBe('metadata');
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, timeMs: -1 })).toBe('timeMs');
    expect(fieldOf({ traceId: TRACE, name: 'n', value: 1, idempotencyKey: 'k'.repeat(129) })).toBe(
      'idempotencyKey',
    );
    expect(fieldOf({ traceId: TRACE.toUpperCase(), name: 'a.b:c-d_e', value: 'v'.repeat(256) })).toBe(
      'accepted',
    );
    expect(queue.stats().queued).toBe(1);
  });

  it('on a shutdown that times out, cuts the request short and reports the items undelivered', async () => {
    const { fetch } = scriptedFetch(['hang']);
    const { queue } = queueWith(fetch);
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: true });
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: false });
    const rejection = await queue.shutdown(50).catch((error: unknown) => error);
    expect(rejection).toBeInstanceOf(FeedbackDeliveryError);
    expect((rejection as FeedbackDeliveryError).idempotencyKeys).toEqual(['key-1', 'key-2']);
    expect((rejection as Error).message).toMatch(/shutdown timed out/);
    expect(() => queue.enqueue({ traceId: TRACE, name: 'thumbs', value: true })).toThrow(/after shutdown/);
  });

  it('sends a full batch without waiting for the interval', async () => {
    const { calls, fetch } = scriptedFetch([ok(2)]);
    const { queue } = queueWith(fetch, { batchSize: 2 });
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: true });
    expect(calls).toHaveLength(0);
    queue.enqueue({ traceId: TRACE, name: 'thumbs', value: false });
    await expect.poll(() => calls.length).toBe(1);
    await queue.flush();
    expect(calls).toHaveLength(1);
  });
});
