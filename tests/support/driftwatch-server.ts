import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'dist', 'server', 'main.js');

export function newApiKey(): string {
  return `dw_${randomBytes(24).toString('base64url')}`;
}

// Ports for servers the tests start come from below Linux's ephemeral range (32768-60999): a port picked with
// listen(0) and released can be taken by any outgoing connection before the server binds it (CI saw EADDRINUSE).
// Each Vitest worker gets its own slice, so two workers never hand out the same port; engines use 17946-19193.
// Within the slice a process starts at an offset from its pid, so test runs of other checkouts on the same
// machine (developers run several) rarely meet.
const TEST_PORT_BASE = 20_000;
const TEST_PORTS_PER_WORKER = 600;
let nextTestPort = process.pid % TEST_PORTS_PER_WORKER;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolveBindable) => {
    const server = createServer();
    server.once('error', () => resolveBindable(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveBindable(true)));
  });
}

/** A port no one is listening on, from this worker's slice of the test range. */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.VITEST_POOL_ID ?? 0) % 20;
  for (let tries = 0; tries < TEST_PORTS_PER_WORKER; tries++) {
    const port = TEST_PORT_BASE + worker * TEST_PORTS_PER_WORKER + (nextTestPort++ % TEST_PORTS_PER_WORKER);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in worker ${worker}'s slice of ${TEST_PORT_BASE}+`);
}

/** True when process `pid` holds a listening TCP socket on `port` (Linux /proc). */
function listensOn(pid: number, port: number): boolean {
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth field.
      if (f[3] === '0A' && parseInt(f[1]?.split(':')[1] ?? '', 16) === port && f[9]) listening.add(f[9]);
    }
  }
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  return fds.some((fd) => {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return listening.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '');
    } catch {
      return false;
    }
  });
}

export interface ServerOptions {
  dataDir?: string;
  port?: number;
  /** The default project's key; another server's key makes two processes share credentials. */
  apiKey?: string;
  env?: Record<string, string>;
}

/**
 * The real server (dist/server/main.js, built by `npm run build`) as a child process on a free port with a
 * fresh data directory, a key for the default project and a key for a second project.
 */
export class DriftwatchServer {
  readonly output: string[] = [];
  private child: ChildProcess | null = null;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly grpcPort: number,
    readonly apiKey: string,
    readonly otherProjectKey: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: ServerOptions = {}): Promise<DriftwatchServer> {
    const server = new DriftwatchServer(
      options.dataDir ?? mkdtempSync(join(tmpdir(), 'driftwatch-it-')),
      options.port ?? (await freePort()),
      await freePort(),
      options.apiKey ?? newApiKey(),
      newApiKey(),
      options.env ?? {},
    );
    await server.launch();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts again on the same data directory and port with some settings changed. */
  async launchWith(env: Record<string, string>): Promise<void> {
    Object.assign(this.env, env);
    await this.launch();
  }

  /** Starts (again) on the same data directory and port; resolves when /readyz says ready. */
  async launch(): Promise<void> {
    const child = spawn(NODE, [MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        DRIFTWATCH_DATA_DIR: this.dataDir,
        DRIFTWATCH_HOST: '127.0.0.1',
        DRIFTWATCH_OTLP_HTTP_PORT: String(this.port),
        DRIFTWATCH_OTLP_GRPC_PORT: String(this.grpcPort),
        DRIFTWATCH_BOOTSTRAP_API_KEY: this.apiKey,
        DRIFTWATCH_BOOTSTRAP_API_KEYS: `other-project:${this.otherProjectKey}`,
        DRIFTWATCH_LOG_LEVEL: 'warn',
        // The embedding model costs ~200 MB and CPU in every server; tests of other stages measure those without
        // it, and tests/embedding turns it on.
        DRIFTWATCH_EMBEDDINGS: 'off',
        // Tests that turn it on check what is embedded, not its priority (a unit test does): at nice 19 the model
        // would wait for idle CPU that a shared test machine may not have for minutes.
        DRIFTWATCH_EMBEDDING_NICE: '0',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => this.output.push(d.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited during start:\n${this.output.join('')}`);
      try {
        const response = await fetch(`${this.url}/readyz`);
        if (response.status === 200) {
          // Another checkout's test run may have bound the port between freePort() and our bind: then the
          // answer is its server's and ours is failing with EADDRINUSE. Say so instead of testing the wrong one.
          if (child.pid && !listensOn(child.pid, this.port))
            throw new Error(`port ${this.port} is held by another process; this server could not bind it`);
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become ready:\n${this.output.join('')}`);
  }

  /** Peak resident memory of the server process (VmHWM of /proc/<pid>/status) since start or reset, in bytes. */
  peakRssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (!kib) throw new Error(`no VmHWM for pid ${this.pid}`);
    return Number(kib) * 1024;
  }

  /** Resets the peak to the current resident memory (Linux clear_refs) and returns it, in bytes. */
  resetPeakRss(): number {
    writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    return this.peakRssBytes();
  }

  async fetch(path: string, init: RequestInit = {}, key: string | null = this.apiKey): Promise<Response> {
    const headers = new Headers(init.headers);
    if (key) headers.set('authorization', `Bearer ${key}`);
    return fetch(`${this.url}${path}`, { ...init, headers });
  }

  async json<T = unknown>(path: string, key: string | null = this.apiKey): Promise<T> {
    const response = await this.fetch(path, {}, key);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Sends a signal and waits for the process to exit; returns its exit code (null when killed). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }
}
