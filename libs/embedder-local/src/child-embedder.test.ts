import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedderContract } from '@driftwatch/contract-tests';
import { deadlineIn, PermanentError, RetryableError } from '@driftwatch/contracts';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChildProcessEmbedder, type ChildProcessEmbedderOptions } from './child-embedder.js';

// Every start loads the model in a new process: slow on a busy machine, so the guards are generous.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fetchScript = join(root, 'scripts/models/fetch-minilm.sh');
const modelDir = execFileSync('bash', [fetchScript], { encoding: 'utf8', timeout: 300_000 }).trim();

// The child runs as JavaScript, as scripts/build.mjs bundles it; under dist/ its packages resolve from node_modules.
mkdirSync(join(root, 'dist'), { recursive: true });
const bundleDir = mkdtempSync(join(root, 'dist', 'embedder-child-test-'));
const entry = join(bundleDir, 'embedder-child.mjs');
const libBundle = join(bundleDir, 'embedder-local.mjs');
await build({
  entryPoints: {
    'embedder-child': join(root, 'libs/embedder-local/src/embedder-child.ts'),
    'embedder-local': join(root, 'libs/embedder-local/src/index.ts'),
  },
  outdir: bundleDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

const create = (options: Partial<ChildProcessEmbedderOptions> = {}) =>
  new ChildProcessEmbedder({ modelDir, entry, restart: { initialMs: 50, maxMs: 1_000 }, ...options });

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);

/** Running (a zombie waiting to be reaped by whoever adopted it counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`still not true after 60 s: ${what}`);
}

embedderContract('local all-MiniLM-L6-v2 in a child process', { semantic: true }, async () => create());

describe('ChildProcessEmbedder', () => {
  const logs: string[] = [];
  const embedder = create({ log: (line) => logs.push(line), maxPending: 2 });
  beforeAll(() => embedder.start());
  afterAll(() => embedder.shutdown(deadlineIn(5_000)));

  it('runs the model in its own process at the lowest CPU priority, the server keeping its own', () => {
    const pid = embedder.childPid!;
    expect(pid).not.toBe(process.pid);
    expect(getPriority(pid)).toBe(19);
    expect(getPriority(process.pid)).toBe(0);
    // SCHED_IDLE (policy 5 in /proc/PID/stat's 41st field) where chrt exists, as on this project's machines.
    if (existsSync('/usr/bin/chrt')) {
      const policy = (id: number) => readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ')[38];
      expect(policy(pid)).toBe('5');
      expect(policy(process.pid)).toBe('0');
    }
    // Where the kernel groups sessions for scheduling, the child shares the server's group, so its nice value
    // weighs against the server's threads (a group of its own would get as much CPU as the server's).
    if (existsSync('/proc/self/autogroup')) {
      const group = (path: string) => readFileSync(path, 'utf8').split(' ')[0];
      expect(group(`/proc/${pid}/autogroup`)).toBe(group('/proc/self/autogroup'));
    }
  });

  it('restarts a child killed with SIGKILL and embeds the batch it held, not losing it', async () => {
    const texts = Array.from(
      { length: 40 },
      (_, i) => `Question ${i}: how do I ${i % 2 ? 'pay' : 'cancel'}?`,
    );
    const first = embedder.childPid!;
    const held = embedder.embed(texts); // sent to the child at once: in flight when it dies
    process.kill(first, 'SIGKILL');
    const { vectors } = await held;
    expect(vectors).toHaveLength(40);
    expect(embedder.childPid).not.toBe(first);
    expect(alive(first)).toBe(false);
    expect(logs.some((l) => l.includes(`process ${first} exited (SIGKILL)`) && l.includes('40 texts'))).toBe(
      true,
    );
    // The vectors are the texts' own: the same as embedding them again in the new child, in order.
    const again = await embedder.embed([texts[0]!, texts[39]!]);
    expect(dot(vectors[0]!, again.vectors[0]!)).toBeCloseTo(1, 4);
    expect(dot(vectors[39]!, again.vectors[1]!)).toBeCloseTo(1, 4);
    expect(getPriority(embedder.childPid!)).toBe(19);
  });

  it('bounds its queue: past maxPending requests, embed() refuses retryably instead of waiting', async () => {
    const a = embedder.embed(['one']);
    const b = embedder.embed(['two']);
    await expect(embedder.embed(['three'])).rejects.toBeInstanceOf(RetryableError);
    expect((await a).vectors).toHaveLength(1);
    expect((await b).vectors).toHaveLength(1);
  });

  it('kills its child on shutdown', async () => {
    const own = create();
    await own.start();
    const pid = own.childPid!;
    expect(alive(pid)).toBe(true);
    await own.shutdown(deadlineIn(5_000));
    expect(own.childPid).toBeNull();
    expect(alive(pid)).toBe(false);
  });

  it('leaves no child behind when the server process is killed with SIGKILL', async () => {
    // A parent of its own: it starts an embedder, prints the child's pid, and is then killed.
    const script = join(bundleDir, 'parent.mjs');
    writeFileSync(
      script,
      `import { ChildProcessEmbedder } from ${JSON.stringify(libBundle)};
       const e = new ChildProcessEmbedder({ modelDir: ${JSON.stringify(modelDir)}, entry: ${JSON.stringify(entry)} });
       await e.start();
       console.log(e.childPid);
       setInterval(() => {}, 1000);`,
    );
    const parent = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim())));
      parent.once('exit', (code) => reject(new Error(`parent exited (${code}) before starting its child`)));
    });
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    await eventually(() => !alive(childPid), `embedding child ${childPid} gone after its parent died`);
  });

  it('says what is missing when the model files or the child script are not there, as permanent errors', async () => {
    const noModel = create({ modelDir: '/nonexistent/model' });
    await expect(noModel.start()).rejects.toThrow(/fetch-minilm\.sh/);
    await expect(noModel.start()).rejects.toBeInstanceOf(PermanentError);
    await noModel.shutdown(deadlineIn(1_000));
    const noScript = create({ entry: join(bundleDir, 'missing.mjs') });
    await expect(noScript.start()).rejects.toThrow(/scripts\/build\.mjs/);
    await noScript.shutdown(deadlineIn(1_000));
  });
});
