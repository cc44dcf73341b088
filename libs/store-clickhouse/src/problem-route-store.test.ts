import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { ClickHouseProblemRouteStore } from './problem-route-store.js';
import { embeddedForTests } from './test-support.js';

const input = {
  projectId: 'project-a',
  name: 'latency to on-call',
  kinds: ['latency', 'error_rate'],
  minSeverity: 30,
  dimension: 'model',
  value: 'gpt-4o-mini',
  destinationIds: ['11111111-1111-4111-8111-111111111111'],
  remindEveryMinutes: 120,
  notifyResolved: true,
  enabled: true,
};

describe('ClickHouseProblemRouteStore on chDB', () => {
  it('stores routes per project, reads them back whole, and removes one without touching the rest', async () => {
    const { client, database } = embeddedForTests();
    await migrate(client, { database, retentionDays: 30 });
    const routes = new ClickHouseProblemRouteStore(client, database);
    const first = await routes.create(input);
    const second = await routes.create({
      ...input,
      name: 'all problems',
      kinds: [],
      dimension: '',
      value: '',
    });
    await routes.create({ ...input, projectId: 'project-b' });
    expect(await routes.list('project-a')).toEqual([first, second]);
    expect(await routes.remove('project-a', first.routeId)).toBe(true);
    expect(await routes.remove('project-a', first.routeId)).toBe(false);
    expect(await routes.remove('project-b', second.routeId)).toBe(false);
    expect((await routes.list('project-a')).map((r) => r.name)).toEqual(['all problems']);
    expect(await routes.list('project-b')).toHaveLength(1);
  });
});
