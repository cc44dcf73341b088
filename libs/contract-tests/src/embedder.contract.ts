import type { Embedder } from '@driftwatch/contracts';
import { deadlineIn, PermanentError, UnavailableError } from '@driftwatch/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export interface EmbedderCapabilities {
  /** A real model: similar sentences must score higher than unrelated ones (a fake with hashed vectors cannot). */
  semantic: boolean;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * (b[i] as number), 0);
/** Far past any window: 4,000 words, about 20,000 characters. */
const LONG_TEXT = Array.from({ length: 4000 }, (_, i) => `word${i % 97}`).join(' ');

/** The Embedder contract; every adapter runs it. `create` returns an embedder that is not started yet. */
export function embedderContract(
  name: string,
  capabilities: EmbedderCapabilities,
  create: () => Promise<Embedder>,
): void {
  describe(`Embedder contract: ${name}`, () => {
    let embedder: Embedder;
    beforeAll(async () => {
      embedder = await create();
      await embedder.start();
    });
    afterAll(async () => embedder?.shutdown(deadlineIn(5000)));

    it('returns one unit vector of the announced dimensions per text', async () => {
      expect(embedder.isReady()).toBe(true);
      expect(embedder.modelId).not.toBe('');
      const { vectors, truncated } = await embedder.embed(['Where is my order?', 'Cancel my subscription']);
      expect(vectors).toHaveLength(2);
      for (const v of vectors) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v).toHaveLength(embedder.dimensions);
        expect(dot(v, v)).toBeCloseTo(1, 4);
      }
      expect(truncated).toEqual([]);
    });

    it('gives the same text the same vector, within a batch and across calls', async () => {
      const text = 'How do I reset my password?';
      const first = await embedder.embed([text, 'something else', text]);
      const again = await embedder.embed([text]);
      expect(dot(first.vectors[0]!, first.vectors[2]!)).toBeCloseTo(1, 5);
      expect(dot(first.vectors[0]!, again.vectors[0]!)).toBeCloseTo(1, 5);
    });

    it('keeps the input order across batches (more texts than one batch)', async () => {
      const texts = Array.from(
        { length: 70 },
        (_, i) => `Question number ${i}: ${'why '.repeat(i % 7)}is it so?`,
      );
      const together = await embedder.embed(texts);
      expect(together.vectors).toHaveLength(70);
      for (const i of [0, 13, 42, 69]) {
        const alone = await embedder.embed([texts[i]!]);
        expect(dot(together.vectors[i]!, alone.vectors[0]!)).toBeCloseTo(1, 4);
      }
      // A neighbour's vector is a different text's: order mixed up would be caught here.
      expect(dot(together.vectors[13]!, together.vectors[14]!)).toBeLessThan(0.9999);
    });

    it('resolves an empty batch to an empty result', async () => {
      expect(await embedder.embed([])).toEqual({ vectors: [], truncated: [] });
    });

    it('records which inputs were cut to the window, and still embeds them', async () => {
      const { vectors, truncated } = await embedder.embed(['short one', LONG_TEXT, 'short two']);
      expect(truncated).toEqual([1]);
      expect(dot(vectors[1]!, vectors[1]!)).toBeCloseTo(1, 4);
    });

    it('refuses empty or whitespace-only texts as permanent errors, the whole call', async () => {
      await expect(embedder.embed(['fine', '  \n '])).rejects.toBeInstanceOf(PermanentError);
      await expect(embedder.embed([''])).rejects.toBeInstanceOf(PermanentError);
    });

    if (capabilities.semantic) {
      it('scores similar sentences higher than unrelated ones', async () => {
        const [a, b, c, d] = (
          await embedder.embed([
            'How do I reset my password?',
            'I forgot my password and need to change it',
            'What is the weather like in Paris tomorrow?',
            'Will it rain in Paris on Friday?',
          ])
        ).vectors as [Float32Array, Float32Array, Float32Array, Float32Array];
        expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.3);
        expect(dot(c, d)).toBeGreaterThan(dot(b, d) + 0.3);
      });
    }

    it('finishes work in flight on shutdown(), then refuses; shutdown() is safe unstarted and repeated', async () => {
      const fresh = await create();
      await expect(fresh.embed(['hello'])).rejects.toBeInstanceOf(UnavailableError);
      await fresh.shutdown(deadlineIn(1000));
      await fresh.shutdown(deadlineIn(1000));
      expect(fresh.isReady()).toBe(false);

      const other = await create();
      await other.start();
      const inFlight = other.embed(['accepted before shutdown']);
      await other.shutdown(deadlineIn(5000));
      expect((await inFlight).vectors).toHaveLength(1);
      await other.shutdown(deadlineIn(5000));
      expect(other.isReady()).toBe(false);
      await expect(other.embed(['hello'])).rejects.toBeInstanceOf(UnavailableError);
    });
  });
}
