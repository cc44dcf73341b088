import { startFakeOpenAI, type FakeOpenAI } from '../../support/fake-openai.js';
import { DriftwatchServer } from '../../support/driftwatch-server.js';
import { runGenAIManualProto, runGenAIManualHttpJson } from '../../clients/index.js';
import { DashboardApp } from './dashboard-app.js';

export const ADMIN = { email: 'admin@localhost', password: 'admin-password-for-tests' };
export const VIEWER = { email: 'viewer@example.test', password: 'viewer-password-1' };
export const OUTSIDER = { email: 'outsider@example.test', password: 'outsider-password-1' };

/**
 * The whole product for browser tests: the real server, the built dashboard in front of it, traces sent by real
 * OpenTelemetry clients (GenAI semconv over OTLP protobuf and JSON), a viewer of the default project and a member
 * of another project only.
 */
export class World {
  private constructor(
    readonly server: DriftwatchServer,
    readonly dashboard: DashboardApp,
    private readonly openai: FakeOpenAI,
    readonly traceIds: string[],
  ) {}

  /** `env`: more server settings (e.g. the alerts allow-list for receivers on loopback). */
  static async start(env: Record<string, string> = {}): Promise<World> {
    const server = await DriftwatchServer.start({
      env: { DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...env },
    });
    const openai = await startFakeOpenAI({ host: '127.0.0.1' });
    try {
      const options = { otlpEndpoint: server.url, apiKey: server.apiKey, openaiBaseUrl: openai.baseUrl };
      const first = await runGenAIManualProto({ ...options, userId: 'user-ada', sessionId: 'session-1' });
      const second = await runGenAIManualHttpJson({ ...options, userId: 'user-bob', sessionId: 'session-1' });
      const cookie = await World.login(server.url, ADMIN);
      await World.call(server.url, cookie, 'POST', '/api/users', {
        ...VIEWER,
        role: 'viewer',
        projects: ['default'],
      });
      await World.call(server.url, cookie, 'POST', '/api/users', {
        ...OUTSIDER,
        role: 'member',
        projects: ['other-project'],
      });
      const dashboard = await DashboardApp.start(server.url);
      return new World(server, dashboard, openai, [...first.traceIds, ...second.traceIds]);
    } catch (error) {
      await openai.close();
      await server.stop('SIGKILL');
      throw error;
    }
  }

  /** Signs in over the REST API; returns the Cookie header value. */
  static async login(baseUrl: string, who: { email: string; password: string }): Promise<string> {
    const response = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(who),
    });
    if (response.status !== 200) throw new Error(`login ${who.email}: ${response.status}`);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  static async call(
    baseUrl: string,
    cookie: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async stop(): Promise<void> {
    await this.dashboard.stop();
    await this.openai.close();
    await this.server.stop('SIGTERM');
  }
}
