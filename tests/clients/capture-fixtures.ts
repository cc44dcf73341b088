/**
 * Regenerates tests/fixtures/captured/<client>.json: runs each client (all, or those named on the command line)
 * against the fake OpenAI server and the OTLP capture server, and saves the decoded trace export requests of
 * that client merged into one OtlpTraceRequest (JSON: ids hex, nanoseconds as decimal strings).
 *
 *   node_modules/.bin/node tests/clients/capture-fixtures.ts [client ...]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { OtlpTraceRequest } from '@driftwatch/contracts';
import { startFakeOpenAI } from '../support/fake-openai.ts';
import { startOtlpCapture } from '../support/otlp-capture.ts';
import { toFixtureJson } from '../support/otlp-decode.ts';
import { ALL_CLIENTS } from './index.ts';

const OUT = fileURLToPath(new URL('../fixtures/captured/', import.meta.url));

/** JSON formatted the way `prettier --check .` expects, so regenerated fixtures stay lint-clean. */
async function prettyJson(value: unknown, file: string): Promise<string> {
  const config = (await resolveConfig(file)) ?? {};
  return format(JSON.stringify(value), { ...config, parser: 'json', filepath: file });
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const selected = names.length > 0 ? names : Object.keys(ALL_CLIENTS);
  const openai = await startFakeOpenAI();
  const capture = await startOtlpCapture();
  await mkdir(OUT, { recursive: true });
  let failed = 0;
  for (const name of selected) {
    const run = ALL_CLIENTS[name];
    if (!run) throw new Error(`unknown client ${name}`);
    capture.clear();
    const apiKey = `dw_test_${name}`;
    try {
      const result = await run({
        otlpEndpoint: capture.endpoint,
        apiKey,
        openaiBaseUrl: openai.baseUrl,
        userId: 'user-42',
        sessionId: `session-${name}`,
      });
      const requests = capture.traces({ apiKey });
      const merged: OtlpTraceRequest = { resourceSpans: requests.flatMap((r) => r.resourceSpans) };
      const text = await prettyJson(toFixtureJson(merged), `${OUT}${name}.json`);
      await writeFile(`${OUT}${name}.json`, text);
      const logs = capture.logs({ apiKey });
      if (logs.length > 0) {
        const mergedLogs = { resourceLogs: logs.flatMap((l) => l.resourceLogs) };
        await writeFile(
          `${OUT}${name}.logs.json`,
          await prettyJson(toFixtureJson(mergedLogs), `${OUT}${name}.logs.json`),
        );
      }
      const spans = merged.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans));
      const contentTypes = [
        ...new Set(capture.requests.map((r) => `${r.path} ${r.headers['content-type']}`)),
      ];
      console.log(
        `${name}: ${requests.length} request(s), ${spans.length} spans, ${(text.length / 1024).toFixed(1)} KB, ` +
          `${contentTypes.join(', ')}; calls ${result.calls.join(', ')}; ${JSON.stringify(result.versions)}`,
      );
      console.log(`  spans: ${spans.map((s) => s.name).join(' | ')}`);
    } catch (error) {
      failed += 1;
      console.error(`${name}: FAILED ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await capture.close();
  await openai.close();
  process.exit(failed > 0 ? 1 : 0);
}

await main();
