import type { SpanWriter, TraceReader } from '@driftwatch/contracts';
import { deadlineIn } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { spanRecord } from './span-fixtures.js';

export interface StoreUnderTest {
  writer: SpanWriter;
  reader: TraceReader;
}

const WIDE = { fromMs: Date.now() - 86_400_000, toMs: Date.now() + 60_000 };
const list = (reader: TraceReader, projectId: string) =>
  reader.listTraces(projectId, { ...WIDE, sort: 'startTime', order: 'desc', limit: 100 });

/** The SpanWriter/TraceReader contract; every store adapter runs it. `create` gives a fresh, empty store. */
export function spanStoreContract(name: string, create: () => Promise<StoreUnderTest>): void {
  describe(`span store contract: ${name}`, () => {
    it('stores spans and reads them back with every canonical field', async () => {
      const { writer, reader } = await create();
      const root = spanRecord({ llm: null, name: 'handle request', kind: 'server' });
      const child = spanRecord({ traceId: root.traceId, parentSpanId: root.spanId });
      await writer.insert([root, child]);
      const trace = await reader.getTrace('project-a', root.traceId);
      expect(trace?.spans.map((s) => s.spanId).sort()).toEqual([root.spanId, child.spanId].sort());
      const llmSpan = trace?.spans.find((s) => s.spanId === child.spanId);
      expect(llmSpan?.parentSpanId).toBe(root.spanId);
      expect(llmSpan?.llm?.inputMessages).toEqual(child.llm?.inputMessages);
      expect(llmSpan?.llm?.outputMessages).toEqual(child.llm?.outputMessages);
      expect(llmSpan?.llm?.systemInstructions).toEqual(child.llm?.systemInstructions);
      expect(llmSpan?.llm?.usage).toEqual(child.llm?.usage);
      expect(llmSpan?.llm?.costUsd).toBeCloseTo(child.llm?.costUsd ?? NaN, 12);
      expect(llmSpan?.attributes).toEqual(child.attributes);
      expect(trace?.spans.find((s) => s.spanId === root.spanId)?.llm).toBeNull();
    });

    it('never shows a span twice when a batch is inserted again', async () => {
      const { writer, reader } = await create();
      const records = [spanRecord(), spanRecord()];
      await writer.insert(records);
      await writer.insert(records);
      await writer.insert([records[1]!]);
      const page = await list(reader, 'project-a');
      expect(page.items).toHaveLength(2);
      expect(page.items.every((t) => t.spanCount === 1)).toBe(true);
      const trace = await reader.getTrace('project-a', records[0]!.traceId);
      expect(trace?.spans).toHaveLength(1);
    });

    it('keeps projects apart', async () => {
      const { writer, reader } = await create();
      const mine = spanRecord({ projectId: 'project-a' });
      const theirs = spanRecord({ projectId: 'project-b' });
      await writer.insert([mine, theirs]);
      expect((await list(reader, 'project-a')).items.map((t) => t.traceId)).toEqual([mine.traceId]);
      expect(await reader.getTrace('project-a', theirs.traceId)).toBeNull();
      expect(await reader.getTrace('project-b', theirs.traceId)).not.toBeNull();
    });

    it('accepts an empty insert and reports readiness', async () => {
      const { writer } = await create();
      await expect(writer.insert([])).resolves.toBeUndefined();
      expect(await writer.isReady()).toBe(true);
      await writer.shutdown(deadlineIn(1000));
      await writer.shutdown(deadlineIn(1000));
    });
  });
}
