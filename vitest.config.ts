import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = Object.fromEntries(
  [
    'contracts',
    'otlp',
    'normalize',
    'queue-memory',
    'queue-kafka',
    'store-clickhouse',
    'api-schema',
    'contract-tests',
    'pipeline',
    'alerts',
    'embedding',
    'embedder-local',
    'embedder-remote',
    'clickhouse-migrate',
    'vector-clickhouse',
    'vector-weaviate',
    'topics',
    'detectors',
  ].map((name) => [
    `@driftwatch/${name}`,
    fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/src/**/*.test.tsx'],
          pool: 'forks',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
