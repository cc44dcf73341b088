import type { TopicModel } from './model.js';
import { dot } from './vectors.js';

export interface Assignment {
  topicId: string;
  /** Cosine distance to the nearest topic's centroid. */
  distance: number;
  /**
   * Novelty: the smallest, over topics, of (distance to the topic's centroid) / (the topic's radius). Above 1, the
   * vector is farther from every centroid than that topic's baseline quantile.
   */
  novelty: number;
  novel: boolean;
}

/** The nearest topic of a vector (any length; it is compared by direction) and its novelty. */
export function assignTopic(model: TopicModel, vector: Float32Array): Assignment {
  if (vector.length !== model.dimensions)
    throw new Error(`vector has ${vector.length} dimensions, the model ${model.dimensions}`);
  if (model.topics.length === 0) throw new Error('the model has no topics');
  const norm = Math.sqrt(dot(vector, vector)) || 1;
  let nearest = 0;
  let distance = Infinity;
  let novelty = Infinity;
  model.topics.forEach((t, i) => {
    const d = 1 - dot(vector, t.centroid) / norm;
    if (d < distance) [nearest, distance] = [i, d];
    novelty = Math.min(novelty, d / t.radius);
  });
  return { topicId: model.topics[nearest]!.id, distance, novelty, novel: novelty > 1 };
}
