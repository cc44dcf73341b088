import type { Merge, Split } from './match.js';
import type { KSelection } from './select-k.js';
import type { TopicTerm } from './terms.js';

export interface Topic {
  /** Stable across re-fits: a continued topic keeps its id (`t1`, `t2`, ...). */
  id: string;
  /** Unit vector: the direction of the topic's mean. */
  centroid: Float32Array;
  /** Vectors of the fit window in this topic. */
  size: number;
  /** Distinctive terms (class-based TF-IDF), when texts were given. */
  terms: TopicTerm[];
  /** Indexes into the fit window of its most representative vectors (closest to the centroid first). */
  examples: number[];
  /** Its members' cosine distance to the centroid at the novelty quantile: a vector farther than that is unusual. */
  radius: number;
}

export interface TopicModel {
  topics: Topic[];
  dimensions: number;
  /** Quantile of the members' distances that sets each topic's radius (e.g. 0.95 or 0.99). */
  noveltyQuantile: number;
  /** The number the next new topic id takes. */
  nextTopicNumber: number;
}

export interface Lineage {
  /** Topic ids carried over from the previous model (matched centroids). */
  continued: string[];
  /** Ids given to topics that match no previous one. */
  created: string[];
  /** Previous ids that no new topic continues. */
  retired: string[];
  splits: Split[];
  merges: Merge[];
}

export interface FitResult {
  model: TopicModel;
  /** Topic id of every vector of the window, in input order. */
  labels: string[];
  /** How k was chosen, on the window's distinct vectors (absent when k was given). */
  selection?: KSelection;
  lineage: Lineage;
}
