// Bundles the server's TypeScript (apps + libs) into dist/; packages from node_modules stay external.
import { build } from 'esbuild';

await build({
  entryPoints: {
    'server/main': 'apps/server/src/main.ts',
    // The detectors run in a worker thread (apps/server/src/detection/detect-in-worker.ts).
    'server/detect-worker': 'apps/server/src/detection/detect-worker.ts',
    'server/topics-worker': 'apps/server/src/topics/fit-worker.ts',
    // The local embedding model's own process (ChildProcessEmbedder forks it beside main.js).
    'server/embedder-child': 'libs/embedder-local/src/embedder-child.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.json',
  logLevel: 'warning',
});
console.log('built dist/server/main.js and its workers');
