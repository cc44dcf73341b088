import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetItem } from '@driftwatch/contracts';
import {
  ClickHouseDatasetStore,
  ClickHouseSpanWriter,
  createEmbeddedClickHouse,
} from '@driftwatch/store-clickhouse';
import { describe, expect, it } from 'vitest';
import { exportLines, openAiLine, plainLine } from './dataset-lines.js';

const ITEMS = 100_000;
const ANSWER = 'x'.repeat(1000);

async function* bigItems(): AsyncIterable<Omit<DatasetItem, 'position'>> {
  for (let i = 0; i < ITEMS; i++)
    yield {
      traceId: i.toString(16).padStart(32, '0'),
      spanId: '',
      input: [{ role: 'user', content: `question ${i}` }],
      expected: `${i} ${ANSWER}`,
      metadata: { i },
    };
}

describe('dataset export lines', () => {
  it('writes the OpenAI chat fine-tuning format and the plain format, one JSON object a line', () => {
    const item: DatasetItem = {
      position: 0,
      traceId: 't',
      spanId: 's',
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Refund "order" 7?' },
      ],
      expected: 'Yes, within 5 days.\nThanks.',
      metadata: { source: 'corrected', labels: ['wrong'] },
    };
    expect(openAiLine(item)).toBe(
      '{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Refund \\"order\\" 7?"},' +
        '{"role":"assistant","content":"Yes, within 5 days.\\nThanks."}]}\n',
    );
    expect(plainLine(item)).toBe(
      '{"input":[{"role":"system","content":"Be brief."},{"role":"user","content":"Refund \\"order\\" 7?"}],' +
        '"expected":"Yes, within 5 days.\\nThanks.","metadata":{"source":"corrected","labels":["wrong"]}}\n',
    );
  });

  it(`streams a version of ${ITEMS} items in bounded memory, in order`, async () => {
    const client = createEmbeddedClickHouse(mkdtempSync(join(tmpdir(), 'driftwatch-export-')));
    const database = 'export_test';
    await new ClickHouseSpanWriter(client, { database, retentionDays: 30 }).start();
    const store = new ClickHouseDatasetStore(client, database);
    const version = await store.createVersion('p', 'ds_big', bigItems(), {
      source: { queueIds: [], approvedLabels: [] },
      note: '',
      createdBy: 'test',
    });
    expect(version.itemCount).toBe(ITEMS);
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let bytes = 0;
    let lines = 0;
    for await (const line of exportLines(store, 'p', version, 'plain')) {
      if (lines % 2000 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        expect(JSON.parse(line).metadata.i).toBe(lines);
      }
      bytes += line.length;
      lines += 1;
    }
    await client.close();
    expect(lines).toBe(ITEMS);
    // Over 100 MB went out; the heap never held more than a few pages of it.
    expect(bytes).toBeGreaterThan(100_000_000);
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  }, 600_000);
});
