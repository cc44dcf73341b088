import type { DetectionInput, EmbeddedCall, FindingEvidence, TopicCentroid } from '@driftwatch/contracts';
import { subject } from './candidate.js';
import type { Slice } from './slices.js';

/** Examples of a topic slice's requests (distinct texts) shown beside a regression. */
const EXAMPLES = 5;
/** Most characters of one topic's name in a title. */
const LABEL_CHARS = 40;

/**
 * Names and evidence of the regressions' topic slices (one topic, or a group "t2,t19"), from the stored model's
 * labels and terms (DetectionInput.topics) and the sampled request texts: a title says what the topic is about,
 * and its problem shows the topic's terms and examples as a topic finding's does.
 */
export class TopicNames {
  private readonly byId: Map<string, TopicCentroid>;

  constructor(private readonly input: DetectionInput) {
    this.byId = new Map((input.topics ?? []).map((t) => [t.id, t]));
  }

  /** "topic t19 (pin · card · change)", "topics t2 + t19 (a · b; c · d)"; other slices as subject() says. */
  who(slice: Pick<Slice, 'dimension' | 'value'>): string {
    const plain = subject(slice.dimension, slice.value);
    if (slice.dimension !== 'topic' || !slice.value) return plain;
    const labels = slice.value
      .split(',')
      .map((id) => this.byId.get(id)?.label)
      .filter((label): label is string => Boolean(label) && !/^t\d+$/.test(label!))
      .map((label) => (label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label));
    return labels.length ? `${plain} (${labels.join('; ')})` : plain;
  }

  /** The topic evidence of a topic slice: its terms, and its requests' texts now and in the baseline. */
  evidence(slice: Pick<Slice, 'dimension' | 'value'>): FindingEvidence['topic'] | undefined {
    if (slice.dimension !== 'topic' || !slice.value) return undefined;
    const ids = slice.value.split(',');
    const members = new Set(ids);
    const perTopic = ids.length > 1 ? 3 : 8;
    const terms = [...new Set(ids.flatMap((id) => this.byId.get(id)?.terms.slice(0, perTopic) ?? []))];
    const texts = (vectors: readonly EmbeddedCall[]) => [
      ...new Set(
        vectors.flatMap((v) =>
          v.field === 'request' && v.text && v.topicId && members.has(v.topicId) ? [v.text] : [],
        ),
      ),
    ];
    return {
      id: slice.value,
      terms,
      examples: texts(this.input.currentVectors).slice(0, EXAMPLES),
      baselineExamples: texts(this.input.baselineVectors).slice(0, EXAMPLES),
    };
  }
}
