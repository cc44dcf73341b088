import type { DatasetItem, ReviewedItem, TraceReader } from '@driftwatch/contracts';
import { chatInput, judgedCall, modelAnswer } from './dataset-lines.js';

export interface BuildCounts {
  /** Judged items read. */
  judged: number;
  /** Left out: no corrected answer and no approving label, no model call found, or the same call twice. */
  skipped: number;
}

/**
 * The items of a new version, one at a time (so a large version never sits in memory): each judged item's call
 * input with its corrected answer, or the model's answer when a judgement's label approves it.
 */
export async function* versionItems(
  projectId: string,
  reviewed: AsyncIterable<ReviewedItem>,
  reader: Pick<TraceReader, 'getTrace'>,
  approvedLabels: readonly string[],
  counts: BuildCounts,
): AsyncIterable<Omit<DatasetItem, 'position'>> {
  const seen = new Set<string>();
  for await (const item of reviewed) {
    counts.judged += 1;
    const approved = item.labels.some((l) => approvedLabels.includes(l));
    const trace = item.corrected || approved ? await reader.getTrace(projectId, item.traceId) : null;
    const call = trace ? judgedCall(trace, item.spanId) : null;
    const key = call ? `${item.traceId}/${call.spanId}` : '';
    if (!call?.llm || seen.has(key)) {
      counts.skipped += 1;
      continue;
    }
    seen.add(key);
    const expected = item.corrected || modelAnswer(call.llm);
    yield {
      traceId: item.traceId,
      spanId: call.spanId,
      input: chatInput(call.llm),
      expected,
      metadata: {
        traceId: item.traceId,
        spanId: call.spanId,
        queueId: item.queueId,
        source: item.corrected ? 'corrected' : 'approved',
        labels: [...item.labels].sort(),
        reviewers: [...item.reviewers].sort(),
        model: call.llm.responseModel || call.llm.requestModel,
      },
    };
  }
}
