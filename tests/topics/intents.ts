import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Questions of a few clearly different intents, and off-topic ones. From CLINC150 (Larson et al., EMNLP 2019,
 * clinc/oos-eval, CC BY 3.0) read at test time from DRIFTWATCH_CLINC150_DIR (default ../shared/data/clinc150 beside
 * the repository; nothing of it is copied here); without it, templated questions of the same intents.
 */
export interface IntentData {
  source: 'clinc150' | 'templates';
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
  const dir = resolve(
    process.env.DRIFTWATCH_CLINC150_DIR ?? resolve(import.meta.dirname, '../../../shared/data/clinc150'),
  );
  const file = resolve(dir, 'data_full.json');
  if (existsSync(file)) {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, [string, string][]>;
    const intents = new Map<string, string[]>();
    for (const name of Object.keys(INTENTS)) {
      const texts = [...data.train!, ...data.test!].filter(([, i]) => i === name).map(([t]) => t);
      intents.set(name, texts.slice(0, perIntent + 10));
    }
    return { source: 'clinc150', intents, offTopic: OFF_TOPIC };
  }
  return { source: 'templates', intents: templated(perIntent + 10), offTopic: OFF_TOPIC };
}

/** Far from weather, translation, credit scores, recipes and time off (written here, not from the dataset). */
const OFF_TOPIC = [
  'how many prime numbers are there between zero and one hundred',
  'can you dim the brightness of my laptop screen',
  'what is the orbital period of jupiter around the sun',
  'which python library should i use to parse xml files',
  'who won the chess world championship in 1972',
];

function templated(count: number): Map<string, string[]> {
  const cities = ['paris', 'tokyo', 'denver', 'oslo', 'lima', 'cairo', 'perth', 'boston', 'madrid', 'seoul'];
  const words = ['thank you', 'good morning', 'where is the station', 'i am hungry', 'how much is it'];
  const langs = ['spanish', 'french', 'german', 'italian', 'japanese'];
  const dishes = ['lasagna', 'pancakes', 'roast chicken', 'banana bread', 'pad thai', 'chili', 'risotto'];
  const days = ['monday', 'friday', 'next week', 'the holidays', 'june 3rd', 'christmas'];
  const pick = <T>(list: T[], i: number) => list[i % list.length]!;
  const make = (f: (i: number) => string) => Array.from({ length: count }, (_, i) => f(i));
  return new Map([
    [
      'weather',
      make(
        (i) =>
          `what is the weather forecast for ${pick(cities, i)} ${pick(['today', 'tomorrow', 'this weekend'], i)}`,
      ),
    ],
    ['translate', make((i) => `how do i say ${pick(words, i)} in ${pick(langs, i + 2)}`)],
    [
      'credit_score',
      make(
        (i) =>
          `${pick(['can you check', 'what is', 'tell me', 'look up'], i)} my credit score ${pick(['now', 'please', 'today', ''], i + 1)}`,
      ),
    ],
    [
      'recipe',
      make(
        (i) =>
          `give me a recipe for ${pick(dishes, i)} ${pick(['for dinner', 'that is easy', 'for four people'], i)}`,
      ),
    ],
    [
      'pto_request',
      make(
        (i) =>
          `i want to put in a pto request for ${pick(days, i)} ${pick(['please', 'if possible', ''], i)}`,
      ),
    ],
  ]);
}
