/** Tokenization and class-based TF-IDF (c-TF-IDF, as BERTopic): the terms that set one topic's texts apart. */

// A small English stop-word list: function words, auxiliaries and pronouns that say nothing about a topic.
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'herself him himself his how i if in into is it its itself just let me more most my myself no nor not now of off ' +
    'on once only or other our ours ourselves out over own same she should so some such than that the their theirs ' +
    'them themselves then there these they this those through to too under until up very was we were what when where ' +
    'which while who whom why will with would you your yours yourself yourselves s t d ll m re ve don doesn didn ' +
    'isn aren wasn weren won wouldn shouldn couldn cannot also may might must shall get got please tell know'
  ).split(' '),
);

/** Lower-case words of two or more letters or digits, without bare numbers and (unless kept) stop words. */
export function tokenize(text: string, options: { keepStopWords?: boolean } = {}): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => w.length >= 2 && (options.keepStopWords || !STOP_WORDS.has(w)) && !/^\p{N}+$/u.test(w),
  );
}

export interface TopicTerm {
  term: string;
  weight: number;
}

/**
 * The `top` most distinctive terms of each class: weight(t, c) = tf(t, c) / |c| * log(1 + A / f(t)), where tf counts
 * t in the class's texts, |c| is the class's term count, A the mean term count per class and f(t) the count of t
 * over all classes. A term must occur in at least `minCount` texts of the class (default 2, or 1 for a class of one
 * text) so a single odd text does not label a topic.
 */
export function classTfIdf(
  textsByClass: readonly (readonly string[])[],
  options: { top?: number; minCount?: number } = {},
): TopicTerm[][] {
  const top = options.top ?? 8;
  const perClass = textsByClass.map((texts) => {
    const counts = new Map<string, number>();
    const docs = new Map<string, number>();
    let total = 0;
    for (const text of texts) {
      const tokens = tokenize(text);
      total += tokens.length;
      for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const t of new Set(tokens)) docs.set(t, (docs.get(t) ?? 0) + 1);
    }
    return { counts, docs, total, texts: texts.length };
  });
  const overall = new Map<string, number>();
  let grand = 0;
  for (const c of perClass) {
    grand += c.total;
    for (const [t, n] of c.counts) overall.set(t, (overall.get(t) ?? 0) + n);
  }
  const meanPerClass = grand / Math.max(1, perClass.length);
  return perClass.map((c) => {
    const minCount = Math.min(options.minCount ?? 2, c.texts);
    return [...c.counts]
      .filter(([t]) => c.docs.get(t)! >= minCount)
      .map(([term, n]) => ({ term, weight: (n / c.total) * Math.log(1 + meanPerClass / overall.get(term)!) }))
      .sort((x, y) => y.weight - x.weight || (x.term < y.term ? -1 : 1))
      .slice(0, top);
  });
}

/** A sparse TF-IDF vector: term indexes and L2-normalized weights. */
export interface SparseVector {
  indexes: Int32Array;
  values: Float32Array;
}

/** TF-IDF vectors of texts (raw tf, smooth idf = ln((1 + n) / (1 + df)) + 1, L2-normalized), as scikit-learn. */
export function tfidfVectors(
  texts: readonly string[],
  options: { keepStopWords?: boolean } = {},
): { vectors: SparseVector[]; vocabulary: string[] } {
  const vocab = new Map<string, number>();
  const df: number[] = [];
  const tokenized = texts.map((text) => {
    const counts = new Map<number, number>();
    for (const t of tokenize(text, options)) {
      let id = vocab.get(t);
      if (id === undefined) vocab.set(t, (id = vocab.size));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const id of counts.keys()) df[id] = (df[id] ?? 0) + 1;
    return counts;
  });
  const idf = df.map((d) => Math.log((1 + texts.length) / (1 + d)) + 1);
  const vectors = tokenized.map((counts) => {
    const indexes = Int32Array.from(counts.keys()).sort();
    const values = Float32Array.from(indexes, (id) => counts.get(id)! * idf[id]!);
    const norm = Math.hypot(...values);
    if (norm > 0) for (let i = 0; i < values.length; i++) values[i]! /= norm;
    return { indexes, values };
  });
  return { vectors, vocabulary: [...vocab.keys()] };
}
