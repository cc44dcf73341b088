import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSecretKey } from '@driftwatch/alerts';

/**
 * The key sealing alert secrets at rest: DRIFTWATCH_SECRET_KEY, or in embedded mode a key generated into the
 * data directory on first start (mode 0600, kept across restarts). Distributed processes must share a key,
 * so there it must be set; without it alert destinations are unavailable (null).
 */
export async function loadSecretKey(options: {
  configured: string | null;
  embedded: boolean;
  dataDir: string;
}): Promise<Buffer | null> {
  if (options.configured) return parseSecretKey(options.configured);
  if (!options.embedded) return null;
  const path = join(options.dataDir, 'secret.key');
  try {
    return parseSecretKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  // wx: two processes starting at once on one data dir cannot both write a different key.
  await writeFile(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return parseSecretKey(await readFile(path, 'utf8'));
}
