import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../support/driftwatch-server.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const NEXT = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const APP = join(ROOT, 'apps', 'dashboard');

/** The built dashboard (`next start`, built by scripts/build-dashboard.mjs) on a free port, proxying /api to apiUrl. */
export class DashboardApp {
  readonly output: string[] = [];
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(apiUrl: string): Promise<DashboardApp> {
    if (!existsSync(join(APP, '.next', 'BUILD_ID')))
      throw new Error('the dashboard is not built: run node scripts/build-dashboard.mjs');
    const port = await freePort();
    const child = spawn(NODE, [NEXT, 'start', APP, '-p', String(port), '-H', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, DRIFTWATCH_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new DashboardApp(child, port);
    child.stdout?.on('data', (d: Buffer) => app.output.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => app.output.push(d.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`dashboard exited during start:\n${app.output.join('')}`);
      try {
        if ((await fetch(`${app.url}/sign-in`)).status === 200) return app;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`dashboard did not start:\n${app.output.join('')}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
