import type { AttributeValue, Attributes } from '@driftwatch/contracts';
import { l2Normalize, sameModel } from './vectors.js';

/** A vector the client already computed and sent on its span (OpenInference embedding spans). */
export interface ClientVector {
  /** N of `embedding.embeddings.N`. */
  index: number;
  /** `embedding.embeddings.N.embedding.text`; '' when the client did not send it (hidden inputs). */
  text: string;
  /** Unit length: clients send raw model output, which need not be normalized. */
  vector: Float32Array;
}

export type ClientVectors =
  /** The span carries no vectors. */
  | { status: 'none' }
  /** Vectors of another model (or of no named model): not comparable with the project's, so not used. */
  | { status: 'other_model'; model: string }
  | {
      status: 'usable';
      model: string;
      vectors: ClientVector[];
      /** Vectors left out: wrong dimensions, non-numbers, all zeros, or not a list. */
      invalid: number;
    };

const VECTOR_KEY = /^embedding\.embeddings\.(\d+)\.embedding\.vector$/;

/**
 * Reads OpenInference `embedding.embeddings.N.embedding.vector` (and `.text`) from a span's raw attributes and
 * returns them usable as they are when `embedding.model_name` is the project's embedding model.
 * Give it the attributes as received: normalization drops vector attributes from stored spans.
 */
export function clientVectors(
  attributes: Attributes,
  model: { modelId: string; dimensions: number },
): ClientVectors {
  const keys = Object.keys(attributes).filter((key) => VECTOR_KEY.test(key));
  if (keys.length === 0) return { status: 'none' };
  const sent = attributes['embedding.model_name'];
  const sentModel = typeof sent === 'string' ? sent : '';
  if (!sameModel(sentModel, model.modelId)) return { status: 'other_model', model: sentModel };

  const vectors: ClientVector[] = [];
  let invalid = 0;
  for (const key of keys) {
    const index = Number(VECTOR_KEY.exec(key)?.[1]);
    const values = numberList(attributes[key]);
    const vector = values && values.length === model.dimensions ? l2Normalize(values) : null;
    if (!vector) {
      invalid++;
      continue;
    }
    const text = attributes[`embedding.embeddings.${index}.embedding.text`];
    vectors.push({ index, text: typeof text === 'string' ? text : '', vector });
  }
  vectors.sort((a, b) => a.index - b.index);
  return { status: 'usable', model: sentModel, vectors, invalid };
}

/** An OTLP array of numbers, or the same as a JSON string (some exporters stringify lists). */
function numberList(value: AttributeValue | undefined): number[] | null {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'number')) return null;
  return list as number[];
}
