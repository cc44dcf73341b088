import { describe, expect, it } from 'vitest';
import { classTfIdf, tfidfVectors, tokenize } from './terms.js';

describe('tokenize', () => {
  it('keeps lower-case words, drops stop words, one-letter tokens and bare numbers', () => {
    expect(tokenize("What's the ETA of my Flight 370 to Zürich? I'd like 2 seats")).toEqual([
      'eta',
      'flight',
      'zürich',
      'like',
      'seats',
    ]);
    expect(tokenize('  ')).toEqual([]);
    expect(tokenize('What is my balance', { keepStopWords: true })).toEqual(['what', 'is', 'my', 'balance']);
  });
});

describe('classTfIdf', () => {
  const classes = [
    ['reset my password', 'forgot password again', 'password reset link please', 'change account email'],
    ['weather tomorrow', 'will it rain tomorrow', 'weather in paris', 'weather report and rain'],
    ['book a flight', 'flight to paris', 'cheapest flight tomorrow', 'cancel my booking'],
  ];

  it('ranks each class by the terms that set it apart', () => {
    const terms = classTfIdf(classes, { top: 3 });
    expect(terms.map((t) => t[0]!.term)).toEqual(['password', 'weather', 'flight']);
    // "tomorrow" is also in the flight class: it ranks below "rain", which is as frequent here.
    expect(terms[1]!.map((t) => t.term)).toEqual(['weather', 'rain', 'tomorrow']);
    expect(terms[1]![0]!.weight).toBeGreaterThan(terms[1]![2]!.weight);
  });

  it('ignores a term found in only one text of a class, except in a class of one text', () => {
    const terms = classTfIdf([['zebra zebra zebra', 'lion lion', 'lion cub'], ['only text here']]);
    expect(terms[0]!.map((t) => t.term)).toEqual(['lion']);
    expect(terms[1]!.map((t) => t.term).sort()).toEqual(['text']);
  });

  it('gives an empty class no terms', () => {
    expect(classTfIdf([[], ['a b']])).toEqual([[], []]);
  });
});

describe('tfidfVectors', () => {
  it('gives unit vectors over a shared vocabulary, rare terms weighing more', () => {
    const { vectors, vocabulary } = tfidfVectors(['red apple', 'red car', 'red apple pie']);
    expect(vocabulary).toEqual(['red', 'apple', 'car', 'pie']);
    for (const v of vectors) expect(Math.hypot(...v.values)).toBeCloseTo(1, 6);
    const [first] = vectors;
    // "apple" (2 of 3 texts) outweighs "red" (all 3).
    expect(first!.values[1]!).toBeGreaterThan(first!.values[0]!);
    expect(Array.from(vectors[2]!.indexes)).toEqual([0, 1, 3]);
    expect(tfidfVectors(['the red car'], { keepStopWords: true }).vocabulary).toEqual(['the', 'red', 'car']);
  });
});
