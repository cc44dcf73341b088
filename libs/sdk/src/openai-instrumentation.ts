import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TracerProvider } from '@opentelemetry/api';
import type { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { DriftwatchError } from './errors.js';

const require = createRequire(import.meta.url);
const PACKAGE = '@arizeai/openinference-instrumentation-openai';

type InstrumentationModule = { OpenAIInstrumentation: typeof OpenAIInstrumentation };
type OpenAIModule = Parameters<OpenAIInstrumentation['manuallyInstrument']>[0];

/**
 * OpenInference's OpenAI instrumentation, loaded on demand so that an app without the openai package can use the
 * SDK (the instrumentation imports openai at load time). openai ships a CommonJS and an ESM build with distinct
 * classes; the instrumentation recognises the client's APIPromise (and keeps its .withResponse()) only when both come
 * from the same build, so the instrumentation's build is picked to match: CommonJS for the require('openai') hook,
 * the module's own build when the app hands it over.
 *
 * `module`: undefined = hook require('openai'); false = off; else the openai module (namespace or OpenAI class).
 * Returns null when off, or when not asked for explicitly and openai is not installed.
 */
export function instrumentOpenAI(provider: TracerProvider, module: unknown): OpenAIInstrumentation | null {
  if (module === false) return null;
  if (module === undefined || module === null) {
    const loaded = load('commonjs');
    // Enabled on construction: hooks require('openai').
    return loaded ? new loaded.OpenAIInstrumentation({ tracerProvider: provider }) : null;
  }
  const openai = (typeof module === 'function' ? { OpenAI: module } : module) as { OpenAI?: unknown };
  if (typeof openai.OpenAI !== 'function') {
    throw new DriftwatchError(
      "instrumentations.openai must be the openai module (import * as openai from 'openai') or its OpenAI class",
    );
  }
  const loaded = load(isCommonJsBuild(openai.OpenAI) ? 'commonjs' : 'esm');
  if (!loaded) throw new DriftwatchError(`instrumentations.openai: ${PACKAGE} could not load openai`);
  // No require hook: this module is patched by hand.
  const instrumentation = new loaded.OpenAIInstrumentation({
    tracerProvider: provider,
    instrumentationConfig: { enabled: false },
  });
  instrumentation.manuallyInstrument(openai as OpenAIModule);
  return instrumentation;
}

function load(build: 'commonjs' | 'esm'): InstrumentationModule | null {
  try {
    const main = require.resolve(PACKAGE); // <package>/dist/src/index.js, the CommonJS build
    // The ESM build sits beside it (dist/esm, "type": "module"); require() loads ESM synchronously on Node 22.12+.
    return require(
      build === 'commonjs' ? main : join(dirname(main), '..', 'esm', 'index.js'),
    ) as InstrumentationModule;
  } catch (error) {
    if (!canResolve('openai')) return null;
    throw error;
  }
}

/** Whether this OpenAI class is the one require('openai') gives (else it came from the ESM build). */
function isCommonJsBuild(openAIClass: unknown): boolean {
  try {
    return (require('openai') as { OpenAI?: unknown }).OpenAI === openAIClass;
  } catch {
    return false;
  }
}

function canResolve(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
