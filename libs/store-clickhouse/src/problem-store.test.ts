import type { Finding, TimeWindow } from '@driftwatch/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from './cursor.js';
import { migrate } from './migrate.js';
import { AUTO_RESOLVE_WINDOWS, ClickHouseProblemStore } from './problem-store.js';
import { embeddedForTests } from './test-support.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

/** The n-th hourly window after T0 and its trailing 24-hour baseline. */
function windows(n: number): { baseline: TimeWindow; current: TimeWindow } {
  const fromMs = T0 + n * HOUR;
  return { baseline: { fromMs: fromMs - 24 * HOUR, toMs: fromMs }, current: { fromMs, toMs: fromMs + HOUR } };
}

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    kind: 'latency',
    dimension: 'model',
    value: 'gpt-4o-mini',
    causeKey: 'latency:p95:model=gpt-4o-mini',
    title: 'p95 latency of gpt-4o-mini rose 60%',
    statistic: 'quantile bootstrap',
    score: 4.2,
    pValue: 0.0001,
    effectSize: 0.6,
    baselineValue: 800,
    currentValue: 1280,
    trafficShare: 0.5,
    severity: 30,
    evidence: {
      series: [{ timeMs: T0, value: 800 }],
      band: { low: 700, high: 900 },
      exampleTraceIds: ['a'.repeat(32)],
    },
    ...overrides,
  };
}

let store: ClickHouseProblemStore;

beforeAll(async () => {
  const { client, database } = embeddedForTests();
  await migrate(client, { database, retentionDays: 30 });
  store = new ClickHouseProblemStore(client, database);
});

describe('ClickHouseProblemStore', () => {
  it('opens one problem per cause and refreshes it while open, keeping the largest severity', async () => {
    const p = 'p-upsert';
    const [first] = await store.record(p, [finding()], windows(0));
    expect(first).toMatchObject({ status: 'open', openedAt: T0 + HOUR, lastSeenAt: T0 + HOUR });
    // The same window again (a re-run, or a second runner) and a later window with a smaller effect.
    await store.record(p, [finding()], windows(0));
    const [again] = await store.record(
      p,
      [finding({ severity: 10, currentValue: 1000, effectSize: 0.25 })],
      windows(1),
    );
    expect(again?.id).toBe(first?.id);
    const { items } = await store.list({ projectId: p, sort: 'time', limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: first?.id,
      severity: 30,
      currentValue: 1000,
      openedAt: T0 + HOUR,
      lastSeenAt: T0 + 2 * HOUR,
      current: windows(1).current,
      evidence: { exampleTraceIds: ['a'.repeat(32)], band: { low: 700, high: 900 } },
    });
  });

  it('keeps one problem when its topic is next seen in a group of near topics, and back', async () => {
    const p = 'p-topic-groups';
    const onTopics = (value: string, severity = 20) =>
      finding({ kind: 'feedback', dimension: 'topic', value, causeKey: `feedback:topic=${value}`, severity });
    const [first] = await store.record(p, [onTopics('t31')], windows(0));
    const [wider] = await store.record(p, [onTopics('t14,t31', 25)], windows(1));
    expect(wider).toMatchObject({ id: first!.id, value: 't14,t31', causeKey: 'feedback:topic=t14,t31' });
    const [narrower] = await store.record(p, [onTopics('t14')], windows(2));
    expect(narrower?.id).toBe(first!.id);
    // Other topics, and another detector on the same topic, are other causes.
    const others = await store.record(
      p,
      [
        onTopics('t5'),
        finding({ kind: 'latency', dimension: 'topic', value: 't14', causeKey: 'latency:topic=t14:p95' }),
      ],
      windows(3),
    );
    expect(others.map((o) => o.id)).not.toContain(first!.id);
    const { items } = await store.list({ projectId: p, sort: 'time', limit: 10 });
    expect(items.map((i) => i.causeKey).sort()).toEqual([
      'feedback:topic=t14',
      'feedback:topic=t5',
      'latency:topic=t14:p95',
    ]);
    expect(items.find((i) => i.causeKey === 'feedback:topic=t14')).toMatchObject({
      id: first!.id,
      severity: 25,
      firstWindowFromMs: windows(0).current.fromMs,
    });
  });

  it('records who acknowledged and resolved; a resolved cause seen later opens a new problem', async () => {
    const p = 'p-status';
    const [problem] = await store.record(p, [finding()], windows(0));
    const acked = await store.setStatus(p, problem!.id, 'acknowledged', 'ann@example.com', T0 + 5 * HOUR);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ann@example.com' });
    // A refresh by the runner keeps the acknowledgement.
    await store.record(p, [finding({ severity: 50 })], windows(1));
    expect(await store.get(p, problem!.id)).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: T0 + 5 * HOUR,
      severity: 50,
    });
    await store.setStatus(p, problem!.id, 'resolved', 'bob@example.com', T0 + 6 * HOUR);
    // A backfill over windows the resolved problem covered opens nothing...
    expect(await store.record(p, [finding()], windows(0))).toEqual([]);
    expect(await store.record(p, [finding()], windows(1))).toEqual([]);
    // ...a window after it does.
    const [reopened] = await store.record(p, [finding()], windows(2));
    expect(reopened?.id).not.toBe(problem!.id);
    const resolved = await store.get(p, problem!.id);
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: 'bob@example.com',
      resolvedAt: T0 + 6 * HOUR,
      acknowledgedBy: 'ann@example.com',
    });
    expect(await store.setStatus(p, 'f'.repeat(32), 'resolved', 'x', 0)).toBeNull();
    expect(await store.get('another-project', problem!.id)).toBeNull();
  });

  it(`resolves a problem not seen for ${AUTO_RESOLVE_WINDOWS} windows, with resolvedBy auto`, async () => {
    const p = 'p-auto';
    const [problem] = await store.record(p, [finding()], windows(0));
    for (let n = 1; n < AUTO_RESOLVE_WINDOWS; n++) await store.record(p, [], windows(n));
    expect((await store.get(p, problem!.id))?.status).toBe('open');
    await store.record(p, [], windows(AUTO_RESOLVE_WINDOWS));
    expect(await store.get(p, problem!.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: 'auto',
      resolvedAt: windows(AUTO_RESOLVE_WINDOWS).current.toMs,
    });
  });

  it('filters, sorts by severity or time, and pages with a cursor; projects never mix', async () => {
    const p = 'p-list';
    const kinds = ['latency', 'error_rate', 'cost'] as const;
    for (let i = 0; i < 7; i++) {
      await store.record(
        p,
        [
          finding({
            kind: kinds[i % 3],
            causeKey: `cause-${i}`,
            value: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
            severity: 10 + ((i * 37) % 11),
            score: i === 3 ? Number.POSITIVE_INFINITY : 1,
          }),
        ],
        windows(i),
      );
    }
    await store.record('p-list-other', [finding({ causeKey: 'other' })], windows(0));
    const all = await store.list({ projectId: p, sort: 'severity', limit: 100 });
    expect(all.items).toHaveLength(7);
    const severities = all.items.map((i) => i.severity);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    expect(all.items.find((i) => i.causeKey === 'cause-3')?.score).toBeNaN();

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({
        projectId: p,
        sort: 'severity',
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.items.map((i) => i.id));

    const byTime = await store.list({ projectId: p, sort: 'time', limit: 2 });
    expect(byTime.items.map((i) => i.causeKey)).toEqual(['cause-6', 'cause-5']);
    const next = await store.list({ projectId: p, sort: 'time', limit: 2, cursor: byTime.nextCursor! });
    expect(next.items.map((i) => i.causeKey)).toEqual(['cause-4', 'cause-3']);

    const filtered = await store.list({
      projectId: p,
      sort: 'time',
      limit: 100,
      kind: ['latency'],
      dimension: 'model',
      value: 'gpt-4o',
    });
    expect(filtered.items.map((i) => i.causeKey)).toEqual(['cause-3']);
    const inRange = await store.list({
      projectId: p,
      sort: 'time',
      limit: 100,
      fromMs: windows(2).current.fromMs,
      toMs: windows(4).current.fromMs,
    });
    expect(inRange.items.map((i) => i.causeKey).sort()).toEqual(['cause-2', 'cause-3']);
    const open = await store.list({ projectId: p, sort: 'time', limit: 100, status: ['resolved'] });
    expect(open.items.map((i) => i.causeKey)).toEqual(['cause-3', 'cause-2', 'cause-1', 'cause-0']);
    await expect(store.list({ projectId: p, sort: 'time', limit: 2, cursor: 'nonsense' })).rejects.toThrow(
      InvalidCursorError,
    );
  });
});
