import { spanRecord, nanosAgo } from '@driftwatch/contract-tests';
import { describe, expect, it } from 'vitest';
import { ClickHouseApiKeyStore, generateApiKey } from './api-key-store.js';
import { ClickHouseSpanWriter } from './clickhouse-span-writer.js';
import { ClickHouseTraceReader } from './clickhouse-trace-reader.js';
import { embeddedForTests } from './test-support.js';
import { ClickHouseProjectStore } from './project-store.js';
import { ClickHouseRetentionStore } from './retention-store.js';
import { ClickHouseUserStore as UserStore } from './user-store.js';

async function stores() {
  const { client, database } = embeddedForTests();
  const writer = new ClickHouseSpanWriter(client, { database, retentionDays: 30 });
  await writer.start();
  return {
    writer,
    users: new UserStore(client, database),
    keys: new ClickHouseApiKeyStore(client, database),
    projects: new ClickHouseProjectStore(client, database),
    retention: new ClickHouseRetentionStore(client, database),
    reader: new ClickHouseTraceReader(client, database),
    client,
    database,
  };
}

describe('UserStore on chDB', () => {
  it('keeps users and their changes across a reload, and finds them by email case-insensitively', async () => {
    const { users, client, database } = await stores();
    const ada = await users.create({
      email: 'Ada@Example.test',
      name: 'Ada',
      role: 'member',
      projects: ['p1'],
      passwordHash: 'h',
    });
    await users.update(ada.userId, { role: 'viewer', projects: ['p1', 'p2'] });
    const reloaded = new UserStore(client, database);
    await reloaded.start();
    expect(reloaded.findByEmail('ada@example.TEST')).toMatchObject({
      role: 'viewer',
      projects: ['p1', 'p2'],
      name: 'Ada',
    });
    expect(reloaded.list()).toHaveLength(1);
  });

  it('resolves a session token to its user until revoked, also from another instance', async () => {
    const { users, client, database } = await stores();
    const user = await users.create({
      email: 'b@example.test',
      name: '',
      role: 'admin',
      projects: [],
      passwordHash: 'h',
    });
    const token = await users.createSession(user.userId, 60_000);
    expect((await users.userForSession(token))?.userId).toBe(user.userId);
    const other = new UserStore(client, database);
    await other.start();
    expect((await other.userForSession(token))?.userId).toBe(user.userId);
    await users.revokeSession(token);
    expect(await users.userForSession(token)).toBeNull();
    expect(await users.userForSession('not-a-token')).toBeNull();
    const expired = await users.createSession(user.userId, -1);
    expect(await users.userForSession(expired)).toBeNull();
  });

  it('refuses sessions of a disabled user', async () => {
    const { users } = await stores();
    const user = await users.create({
      email: 'c@example.test',
      name: '',
      role: 'viewer',
      projects: [],
      passwordHash: 'h',
    });
    const token = await users.createSession(user.userId, 60_000);
    await users.update(user.userId, { disabled: true });
    expect(await users.userForSession(token)).toBeNull();
  });
});

describe('UserStore.revokeSessionsOf', () => {
  it('ends every session of the user but the one kept, also ones another instance made', async () => {
    const { users, client, database } = await stores();
    const [ada, bob] = await Promise.all(
      ['ada', 'bob'].map((n) =>
        users.create({
          email: `${n}@example.test`,
          name: n,
          role: 'member',
          projects: [],
          passwordHash: 'h',
        }),
      ),
    );
    // Another API process, re-reading cached sessions at once (normally after 30 s).
    const other = new UserStore(client, database, 0);
    await other.start();
    const kept = await users.createSession(ada!.userId, 60_000);
    const mine = await users.createSession(ada!.userId, 60_000);
    const elsewhere = await other.createSession(ada!.userId, 60_000);
    const bobs = await users.createSession(bob!.userId, 60_000);
    expect(await users.revokeSessionsOf(ada!.userId, kept)).toBe(2);
    expect((await users.userForSession(kept))?.userId).toBe(ada!.userId);
    expect(await users.userForSession(mine)).toBeNull();
    expect(await users.userForSession(elsewhere)).toBeNull();
    expect((await users.userForSession(bobs))?.userId).toBe(bob!.userId);
    expect(await other.userForSession(elsewhere)).toBeNull();
    const fresh = new UserStore(client, database);
    await fresh.start();
    expect(await fresh.userForSession(elsewhere)).toBeNull();
  });
});

describe('ApiKeyStore, ProjectStore and RetentionStore', () => {
  it('lists keys by prefix only and revokes them', async () => {
    const { keys, projects } = await stores();
    await projects.ensureProject('p1', 'One');
    const key = generateApiKey();
    await keys.addKey('p1', key, 'ci');
    const [listed] = await keys.listKeys('p1');
    expect(listed).toMatchObject({ prefix: key.slice(0, 11), name: 'ci', revoked: false });
    expect(JSON.stringify(await keys.listKeys('p1'))).not.toContain(key);
    expect(await keys.revokeKey('p2', listed!.prefix)).toBe(false);
    expect(await keys.revokeKey('p1', listed!.prefix)).toBe(true);
    expect(await keys.projectFor(key)).toBeNull();
    expect((await keys.listKeys('p1'))[0]!.revoked).toBe(true);
  });

  it('renames projects, stores retention and deletes only that project’s spans past it', async () => {
    const { projects, retention, writer, reader } = await stores();
    await projects.ensureProject('p1', 'One');
    const current = (await projects.getProject('p1'))!;
    await projects.saveProject({ ...current, name: 'Renamed', retentionDays: 2 });
    expect(await projects.getProject('p1')).toMatchObject({
      name: 'Renamed',
      retentionDays: 2,
      createdAt: current.createdAt,
    });

    const old = spanRecord({ projectId: 'p1', startTimeUnixNano: nanosAgo(3 * 86_400_000) });
    const fresh = spanRecord({ projectId: 'p1' });
    const otherOld = spanRecord({ projectId: 'p2', startTimeUnixNano: nanosAgo(3 * 86_400_000) });
    await writer.insert([old, fresh, otherOld]);
    await retention.deleteSpansOlderThan('p1', 2);
    expect(await reader.getTrace('p1', old.traceId)).toBeNull();
    expect(await reader.getTrace('p1', fresh.traceId)).not.toBeNull();
    expect(await reader.getTrace('p2', otherOld.traceId)).not.toBeNull();
  });
});
