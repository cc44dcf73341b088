import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { simpleSpan, type SimpleSpan } from '../support/otlp-payloads.js';

/**
 * Questions of a few clearly different intents, and off-topic ones. From CLINC150 (Larson et al., EMNLP 2019,
 * clinc/oos-eval, CC BY 3.0): the five intents' first 60 queries are in tests/fixtures/clinc150 (with the licence),
 * so a clean clone fits real topics; DRIFTWATCH_CLINC150_DIR points at a full copy (data_full.json) instead.
 */
export interface IntentData {
  /** Intent -> questions (the first `perIntent` to send before the fit, the rest held back). */
  intents: Map<string, string[]>;
  /** Questions about none of the intents. */
  offTopic: string[];
}

/** Intents far apart, and a word each of their topic's terms is expected to contain. */
export const INTENTS: Record<string, string[]> = {
  weather: ['weather', 'temperature', 'forecast', 'rain'],
  translate: ['say', 'translate', 'spanish', 'french'],
  credit_score: ['credit', 'score'],
  recipe: ['recipe', 'make', 'cook'],
  pto_request: ['pto', 'request', 'vacation'],
};

export function loadIntents(perIntent: number): IntentData {
  const dir = process.env.DRIFTWATCH_CLINC150_DIR;
  const byIntent: Record<string, string[]> = dir
    ? fromFull(
        JSON.parse(readFileSync(resolve(dir, 'data_full.json'), 'utf8')) as Record<
          string,
          [string, string][]
        >,
      )
    : (JSON.parse(
        readFileSync(resolve(import.meta.dirname, '../fixtures/clinc150/intents.json'), 'utf8'),
      ) as Record<string, string[]>);
  const intents = new Map<string, string[]>();
  for (const name of Object.keys(INTENTS)) {
    const texts = byIntent[name] ?? [];
    if (texts.length < perIntent + 10)
      throw new Error(`${name}: ${texts.length} queries, ${perIntent + 10} needed`);
    intents.set(name, texts.slice(0, perIntent + 10));
  }
  return { intents, offTopic: OFF_TOPIC };
}

function fromFull(data: Record<string, [string, string][]>): Record<string, string[]> {
  const rows = [...(data.train ?? []), ...(data.test ?? [])];
  return Object.fromEntries(
    Object.keys(INTENTS).map((name) => [name, rows.filter(([, i]) => i === name).map(([t]) => t)]),
  );
}

/** Far from weather, translation, credit scores, recipes and time off (written here, not from the dataset). */
const OFF_TOPIC = [
  'how many prime numbers are there between zero and one hundred',
  'can you dim the brightness of my laptop screen',
  'what is the orbital period of jupiter around the sun',
  'which python library should i use to parse xml files',
  'who won the chess world championship in 1972',
];

/** One chat call asking `question` (GenAI conventions, a system prompt before it, a short answer). */
export function questionSpan(question: string, model = 'gpt-4o-mini'): SimpleSpan {
  return simpleSpan({
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: 'You are a helpful assistant.' }] },
        { role: 'user', parts: [{ type: 'text', content: question }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'Sure.' }] },
      ]),
    },
  });
}
