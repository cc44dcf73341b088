import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretKey } from './secret-key.js';

describe('loadSecretKey', () => {
  it('generates a key into the data directory once (mode 0600) and reads the same key on later starts', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'dw-key-')), 'data');
    const first = await loadSecretKey({ configured: null, embedded: true, dataDir });
    const second = await loadSecretKey({ configured: null, embedded: true, dataDir });
    expect(first?.length).toBe(32);
    expect(second).toEqual(first);
    expect(readFileSync(join(dataDir, 'secret.key'), 'utf8').trim()).toBe(first?.toString('hex'));
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('prefers DRIFTWATCH_SECRET_KEY, and has none in distributed mode without it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dw-key-'));
    const key = randomBytes(32);
    expect(await loadSecretKey({ configured: key.toString('hex'), embedded: true, dataDir })).toEqual(key);
    expect(await loadSecretKey({ configured: null, embedded: false, dataDir })).toBeNull();
  });
});
