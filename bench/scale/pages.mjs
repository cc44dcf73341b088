// The dashboard's traces, trace and overview pages in headless Chromium against the benchmark's server (run.mjs):
// the built dashboard (`next start`) proxying /api to it, a signed-in browser context, and for each page the time
// from navigation to its data shown, over randomized targets. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// The tests' Chromium launch (Node strips its types).
import { launchChromium } from '../../tests/dashboard/support/browser.ts';

/** A bench-only admin (the store may hold an admin created earlier with a generated password). */
const ADMIN = { email: 'bench-scale@example.com', password: 'bench-scale-admin-password' };

/** The server's environment additions so the pages can sign in. */
export const pagesServerEnv = {
  DRIFTWATCH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
  DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
};

/**
 * Starts `next start` on the built dashboard in `appDir` (apps/dashboard after scripts/build-dashboard.mjs) and
 * Chromium signed in; returns what measures a page and what stops both.
 */
export async function startPages({ root, node, appDir, apiUrl, port, waitFor }) {
  if (!existsSync(join(appDir, '.next', 'BUILD_ID')))
    throw new Error(
      `${appDir} is not built: run scripts/build-dashboard.mjs (or pass --dashboard <built app dir>)`,
    );
  const web = spawn(
    node,
    [
      join(root, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'start',
      appDir,
      '-p',
      String(port),
      '-H',
      '127.0.0.1',
    ],
    {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, DRIFTWATCH_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  let browser;
  try {
    await waitFor(`${base}/sign-in`, web);
    browser = await launchChromium();
  } catch (error) {
    web.kill('SIGTERM');
    throw error;
  }
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const login = await context.request.post(`${base}/api/auth/login`, { data: ADMIN });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()} ${await login.text()}`);

  /**
   * Navigation start to every selector visible (the page's data shown, not only its document), in ms of the
   * page's own clock.
   */
  async function load(path, selectors) {
    const page = await context.newPage();
    try {
      await page.goto(`${base}${path}`, { waitUntil: 'commit' });
      for (const selector of selectors) await page.locator(selector).first().waitFor({ timeout: 120_000 });
      const shown = await page.evaluate('performance.now()'); // the page's clock, from its navigation
      // The calls a page makes after its data is shown (the traces total) finish before the next load: the
      // store answers queries one after another, so the next page's call would otherwise wait behind them.
      await page.waitForLoadState('networkidle', { timeout: 120_000 });
      return shown;
    } finally {
      await page.close();
    }
  }

  async function stop() {
    await browser.close();
    if (web.exitCode === null) {
      const exited = new Promise((r) => web.once('exit', r));
      web.kill('SIGTERM');
      await exited;
    }
  }
  return { load, stop };
}

/** The pages measured: label, path for a randomized target, and the selectors meaning "its data is shown". */
export function pageViews({ windowQuery, traceId }) {
  return [
    [
      'page /traces (24 h, newest, 50 rows)',
      () => `/traces?${windowQuery(1)}`,
      // The rows of the list (the table only renders once the list call answered).
      ['table[aria-label="Traces"] tbody tr'],
    ],
    [
      'page /traces/[id] (span tree)',
      () => `/traces/${traceId()}`,
      // A node of the span tree (rendered from the trace call's spans).
      ['[role="tree"] [role="treeitem"]'],
    ],
    [
      'page / overview (24 h)',
      () => `/?${windowQuery(1)}`,
      // Every panel's data: the totals (metrics summary), the top models (summary by model), the slowest and
      // the most expensive traces (two trace lists).
      [
        'dl[aria-label="Totals"] [data-stat="requests"] dd',
        'section[aria-labelledby="top-models"] tbody tr',
        'section[aria-label="Slowest traces"] ol.short-list li',
        'section[aria-label="Most expensive traces"] ol.short-list li',
      ],
    ],
  ];
}
