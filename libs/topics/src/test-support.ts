import { seededRandom } from './rng.js';
import { unit } from './vectors.js';

/** Standard normal draws from a seeded generator (Box-Muller). */
export function gaussian(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** Random unit directions. */
export function directions(count: number, dim: number, seed: number): Float32Array[] {
  const g = gaussian(seed);
  return Array.from({ length: count }, () => unit(Float32Array.from({ length: dim }, g)));
}

/** `per` unit vectors around each center (noise `spread` per coordinate), labelled by center, in center order. */
export function blobs(
  centers: readonly Float32Array[],
  per: number,
  spread: number,
  seed: number,
): { vectors: Float32Array[]; truth: number[] } {
  const g = gaussian(seed);
  const vectors: Float32Array[] = [];
  const truth: number[] = [];
  centers.forEach((c, j) => {
    for (let i = 0; i < per; i++) {
      vectors.push(unit(Float32Array.from(c, (x) => x + spread * g())));
      truth.push(j);
    }
  });
  return { vectors, truth };
}
