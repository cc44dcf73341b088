import type { StoredTopicModel, TopicLineageEvent, TopicMapPoint } from '@driftwatch/contracts';
import {
  assignTopic,
  fitTopics,
  type Lineage,
  sampleIndexes,
  seededRandom,
  type TopicModel,
} from '@driftwatch/topics';
import { project, projectionAxes, readableLayout } from './projection.js';

/** One sampled request vector of the fit window and its call. */
export interface FitCall {
  traceId: string;
  spanId: string;
  timeMs: number;
  vector: Float32Array;
  /** The request text ('' when the span was not found): terms, examples and map labels. */
  text: string;
}

export interface FitInput {
  projectId: string;
  version: number;
  fittedAtMs: number;
  window: { fromMs: number; toMs: number };
  calls: FitCall[];
  previous: StoredTopicModel | null;
  /** Points of the map (a seeded sample of the calls). */
  mapPoints: number;
  seed: number;
}

/** What a fit gives: the model to store, its lineage, and the topic of every call of the window. */
export interface FitOutput {
  model: StoredTopicModel;
  lineage: TopicLineageEvent[];
  assignments: { topicId: string; distance: number; novelty: number; novel: boolean }[];
}

/** Longest example or map text kept in the model (the full text is on the trace). */
const TEXT_CHARS = 280;

/**
 * Fits topics on a window of request vectors (libs/topics: k chosen by silhouette, stable ids from the previous
 * model), labels them with their top terms, keeps the calls nearest each centroid as examples, projects a sample to
 * 2-D, and assigns every call of the window with the new model. Pure; it runs in a worker thread.
 */
export function fitModel(input: FitInput): FitOutput {
  const vectors = input.calls.map((c) => c.vector);
  const texts = input.calls.map((c) => c.text);
  const fit = fitTopics(vectors, {
    seed: input.seed,
    texts,
    ...(input.previous ? { previous: toTopicModel(input.previous) } : {}),
  });
  const topics = fit.model.topics.map((t) => ({
    id: t.id,
    label: t.terms.length
      ? t.terms
          .slice(0, 3)
          .map((x) => x.term)
          .join(' · ')
      : t.id,
    terms: t.terms,
    centroid: t.centroid,
    radius: t.radius,
    size: t.size,
    examples: t.examples
      .filter((i) => texts[i] !== '')
      .map((i) => ({
        traceId: input.calls[i]!.traceId,
        spanId: input.calls[i]!.spanId,
        text: texts[i]!.slice(0, TEXT_CHARS),
      })),
  }));
  const axes = projectionAxes(
    topics.map((t) => t.centroid),
    topics.map((t) => t.size),
    vectors,
  );
  const chosen = sampleIndexes(input.calls.length, input.mapPoints, seededRandom(input.seed));
  const topicIndex = new Map(topics.map((t, i) => [t.id, i]));
  const layout = readableLayout(
    topics.map((t) => project(t.centroid, axes)),
    chosen.map((i) => ({ topic: topicIndex.get(fit.labels[i]!)!, xy: project(vectors[i]!, axes) })),
  );
  const points: TopicMapPoint[] = chosen.map((i, j) => {
    const call = input.calls[i]!;
    const [x, y] = layout.points[j]!;
    const text = texts[i]!.slice(0, TEXT_CHARS);
    return { traceId: call.traceId, spanId: call.spanId, topicId: fit.labels[i]!, x, y, text };
  });
  const model: StoredTopicModel = {
    projectId: input.projectId,
    version: input.version,
    fittedAtMs: input.fittedAtMs,
    windowFromMs: input.window.fromMs,
    windowToMs: input.window.toMs,
    sampleSize: input.calls.length,
    dimensions: fit.model.dimensions,
    noveltyQuantile: fit.model.noveltyQuantile,
    nextTopicNumber: fit.model.nextTopicNumber,
    topics,
    map: {
      points,
      centroids: topics.map((t, i) => ({
        topicId: t.id,
        x: layout.centres[i]![0],
        y: layout.centres[i]![1],
      })),
    },
  };
  const assignments = vectors.map((v) => {
    const a = assignTopic(fit.model, v);
    return { topicId: a.topicId, distance: a.distance, novelty: a.novelty, novel: a.novel };
  });
  return { model, lineage: lineageEvents(fit.lineage), assignments };
}

/** The stored model as libs/topics takes it (assigning, or as the previous model of a fit). */
export function toTopicModel(stored: StoredTopicModel): TopicModel {
  return {
    topics: stored.topics.map((t) => ({
      id: t.id,
      centroid: t.centroid,
      size: t.size,
      terms: t.terms,
      examples: [],
      radius: t.radius,
    })),
    dimensions: stored.dimensions,
    noveltyQuantile: stored.noveltyQuantile,
    nextTopicNumber: stored.nextTopicNumber,
  };
}

function lineageEvents(lineage: Lineage): TopicLineageEvent[] {
  return [
    ...lineage.created.map((id) => ({ kind: 'created' as const, from: [], into: [id] })),
    ...lineage.continued.map((id) => ({ kind: 'continued' as const, from: [id], into: [id] })),
    ...lineage.retired.map((id) => ({ kind: 'retired' as const, from: [id], into: [] })),
    ...lineage.splits.map((s) => ({ kind: 'split' as const, from: [s.from], into: s.into })),
    ...lineage.merges.map((m) => ({ kind: 'merge' as const, from: m.from, into: [m.into] })),
  ];
}
