import { describe, expect, it } from 'vitest';
import { clientVectors } from './client-vectors.js';

const model = { modelId: 'text-embedding-3-small', dimensions: 3 };
const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

describe('clientVectors', () => {
  it('returns the vectors of the configured model, unit length, in index order, with their texts', () => {
    const result = clientVectors(
      {
        'openinference.span.kind': 'EMBEDDING',
        'embedding.model_name': 'text-embedding-3-small',
        'embedding.embeddings.1.embedding.vector': [0, 3, 4],
        'embedding.embeddings.1.embedding.text': 'second',
        'embedding.embeddings.0.embedding.vector': [2, 0, 0],
        'embedding.embeddings.0.embedding.text': 'first',
      },
      model,
    );
    expect(result.status).toBe('usable');
    if (result.status !== 'usable') return;
    expect(result.vectors.map((v) => [v.index, v.text, Array.from(v.vector)])).toEqual([
      [0, 'first', [1, 0, 0]],
      [1, 'second', [0, 0.6000000238418579, 0.800000011920929]],
    ]);
    expect(result.invalid).toBe(0);
  });

  it('matches the model name ignoring case and an organisation prefix', () => {
    const result = clientVectors(
      {
        'embedding.model_name': 'OpenAI/Text-Embedding-3-Small',
        'embedding.embeddings.0.embedding.vector': [1, 1, 1],
      },
      model,
    );
    expect(result.status).toBe('usable');
    if (result.status === 'usable') expect(norm(result.vectors[0]!.vector)).toBeCloseTo(1, 6);
  });

  it('does not use vectors of another model or of an unnamed one', () => {
    const vector = { 'embedding.embeddings.0.embedding.vector': [1, 0, 0] };
    expect(clientVectors({ ...vector, 'embedding.model_name': 'text-embedding-3-large' }, model)).toEqual({
      status: 'other_model',
      model: 'text-embedding-3-large',
    });
    expect(clientVectors(vector, model)).toEqual({ status: 'other_model', model: '' });
  });

  it('says so when the span carries no vectors (texts alone are not vectors)', () => {
    expect(
      clientVectors(
        { 'embedding.model_name': 'text-embedding-3-small', 'embedding.embeddings.0.embedding.text': 'hi' },
        model,
      ),
    ).toEqual({ status: 'none' });
  });

  it('accepts a JSON-string vector and leaves out wrong dimensions, non-numbers and zero vectors', () => {
    const result = clientVectors(
      {
        'embedding.model_name': 'text-embedding-3-small',
        'embedding.embeddings.0.embedding.vector': '[0, 0, 5]',
        'embedding.embeddings.1.embedding.vector': [1, 2],
        'embedding.embeddings.2.embedding.vector': ['1', '2', '3'],
        'embedding.embeddings.3.embedding.vector': [0, 0, 0],
        'embedding.embeddings.4.embedding.vector': 'not json',
      },
      model,
    );
    expect(result).toMatchObject({ status: 'usable', invalid: 4 });
    if (result.status === 'usable') {
      expect(result.vectors.map((v) => [v.index, v.text, Array.from(v.vector)])).toEqual([
        [0, '', [0, 0, 1]],
      ]);
    }
  });
});
