import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { OtlpTraceRequest, SpanRecord } from '@driftwatch/contracts';
import { describe, expect, it } from 'vitest';
import { messagesFromLogRecords, normalizeTraceRequest, type GenAiLogRecord } from './index.js';

/**
 * Payloads captured from real instrumentations against a fake OpenAI server (tests/fixtures/captured, decoded
 * OtlpTraceRequest JSON with nanosecond times as strings).
 */
const DIR = new URL('../../../tests/fixtures/captured/', import.meta.url);
const allFiles = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.json')) : [];
/** Trace payloads; `*.logs.json` files hold the log records some instrumentations emit beside them. */
const files = allFiles.filter((f) => !f.endsWith('.logs.json')).sort();

function load(file: string): OtlpTraceRequest {
  return JSON.parse(readFileSync(new URL(file, DIR), 'utf8'), (key: string, value: unknown) =>
    /TimeUnixNano$/.test(key) && (typeof value === 'string' || typeof value === 'number')
      ? BigInt(value)
      : value,
  ) as OtlpTraceRequest;
}

function normalized(file: string): SpanRecord[] {
  const result = normalizeTraceRequest(load(file), { projectId: 'captured' });
  expect(result.rejected).toEqual([]);
  return result.records;
}

function descendants(records: SpanRecord[], root: SpanRecord): SpanRecord[] {
  const out: SpanRecord[] = [];
  const queue = [root.spanId];
  while (queue.length > 0) {
    const id = queue.shift();
    for (const r of records) {
      if (r.traceId === root.traceId && r.parentSpanId === id && !out.includes(r)) {
        out.push(r);
        queue.push(r.spanId);
      }
    }
  }
  return out;
}

const RAW_JSON = /^\s*(\[\s*\{\s*"role"|\{\s*"(model|messages|id|choices)")/;

describe('captured payloads: invariants', () => {
  it.each(files)('%s: every LLM span is canonical and usage is counted once', (file) => {
    const records = normalized(file);
    const calls = records.filter((r) => r.llm !== null);
    expect(calls.length).toBeGreaterThan(0);
    for (const record of calls) {
      const llm = record.llm!;
      const texts = [...llm.inputMessages, ...llm.outputMessages]
        .flatMap((m) => m.parts)
        .filter((p) => p.type === 'text')
        .map((p) => p.content);
      for (const text of texts) expect(text).not.toMatch(RAW_JSON);
      if (llm.usageCounted) {
        expect(llm.provider).not.toBe('');
        expect(llm.requestModel || llm.responseModel).not.toBe('');
        expect(['chat', 'text_completion', 'generate_content', 'embeddings']).toContain(llm.operation);
        // No counted span inside another counted span.
        expect(descendants(records, record).filter((d) => d.llm?.usageCounted)).toEqual([]);
      } else {
        expect(llm.costUsd).toBeNull();
      }
      if (llm.usage.inputTokens !== null && llm.usage.outputTokens !== null) {
        expect(llm.usage.totalTokens).toBe(llm.usage.inputTokens + llm.usage.outputTokens);
      }
    }
  });

  it.each(files)('%s: wrapper usage equals the sum of the counted spans below it', (file) => {
    const records = normalized(file);
    for (const wrapper of records.filter((r) => r.llm && !r.llm.usageCounted && r.llm.usage.inputTokens)) {
      const below = descendants(records, wrapper).filter((d) => d.llm?.usageCounted);
      if (below.length === 0) continue;
      const sum = below.reduce((total, d) => total + (d.llm?.usage.inputTokens ?? 0), 0);
      expect(sum).toBe(wrapper.llm?.usage.inputTokens);
    }
  });
});

describe('captured payloads: per instrumentation', () => {
  it('OpenInference JS: structured messages, tokens and identity', () => {
    const records = normalized('openinference-openai.json');
    const toolCall = records.find((r) => r.llm?.toolCalls.length)!;
    expect(toolCall.llm).toMatchObject({
      convention: 'openinference',
      provider: 'openai',
      responseModel: 'gpt-4o-mini',
      usageCounted: true,
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finishReasons: ['tool_call'],
    });
    expect(toolCall.llm?.systemInstructions).toHaveLength(1);
    expect(toolCall.llm?.inputMessages.map((m) => m.role)).toEqual(['user']);
    expect(toolCall.llm?.usage).toMatchObject({
      inputTokens: 35,
      outputTokens: 12,
      cacheReadInputTokens: 8,
    });
    expect(toolCall.llm?.costUsd).toBeCloseTo((27 * 0.15 + 8 * 0.075 + 12 * 0.6) / 1e6, 12);
    expect(toolCall).toMatchObject({ userId: 'user-42', tags: ['e2e', 'openinference'] });
    expect(toolCall.metadata['tenant']).toBe('e2e');
    const embedding = records.find((r) => r.llm?.operation === 'embeddings')!;
    expect(embedding.llm?.inputMessages.length).toBeGreaterThan(0);
    expect(Object.keys(embedding.attributes).some((k) => k.endsWith('embedding.vector'))).toBe(false);
  });

  it('OpenLLMetry JS new form', () => {
    const records = normalized('traceloop-openai.json');
    const first = records.find((r) => r.llm?.toolCalls.length)!;
    expect(first.llm).toMatchObject({
      convention: 'openllmetry',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
    });
    expect(first.llm?.systemInstructions).toHaveLength(1);
    expect(first.llm?.toolCalls).toEqual([
      expect.objectContaining({ name: 'get_weather', arguments: '{"city":"Paris"}' }),
    ]);
  });

  it('Traceloop SDK: workflow and agent spans carry no usage; ids reach every span', () => {
    const records = normalized('traceloop-sdk.json');
    const workflow = records.find((r) => r.name.endsWith('.workflow'))!;
    const agent = records.find((r) => r.name.endsWith('.agent'))!;
    expect(workflow.llm).toBeNull();
    expect(agent.llm).toBeNull();
    const chats = records.filter((r) => r.llm?.usageCounted);
    expect(chats.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.userId).toBe('user-42');
      expect(r.sessionId).not.toBe('');
    }
  });

  it('GenAI manual: agent not counted, chats and embeddings counted', () => {
    const records = normalized('genai-manual-json.json');
    const agent = records.find((r) => r.llm?.operation === 'invoke_agent')!;
    expect(agent.llm?.usageCounted).toBe(false);
    const counted = records.filter((r) => r.llm?.usageCounted).map((r) => r.llm!.operation);
    expect(counted.sort()).toEqual(['chat', 'chat', 'embeddings']);
    const tool = records.find((r) => r.llm?.operation === 'execute_tool')!;
    expect(tool.llm?.toolCalls[0]?.name).toBe('get_weather');
    for (const r of records) expect(r.userId).toBe('user-42');
  });

  it('GenAI manual: OTLP/JSON and protobuf payloads normalize alike', () => {
    const shape = (file: string) =>
      normalized(file).map((r) => [
        r.name,
        r.kind,
        r.llm?.operation,
        r.llm?.usage,
        r.llm?.usageCounted,
        r.llm?.costUsd,
      ]);
    expect(shape('genai-manual-proto.json')).toEqual(shape('genai-manual-json.json'));
  });

  it('AI SDK 6: doGenerate/doStream counted, generateText/streamText not', () => {
    const records = normalized('vercel-ai-6.json');
    for (const r of records.filter((x) => /^ai\.(generateText|streamText|embed)$/.test(x.name))) {
      expect(r.llm?.usageCounted).toBe(false);
    }
    const inner = records.filter((r) => /\.do(Generate|Stream|Embed)$/.test(r.name));
    expect(inner.length).toBeGreaterThan(0);
    for (const r of inner)
      expect(r.llm).toMatchObject({ convention: 'vercel_ai', provider: 'openai', usageCounted: true });
    const withTool = inner.find((r) => r.llm?.toolCalls.length)!;
    expect(withTool.llm?.systemInstructions).toHaveLength(1);
    expect(withTool.llm?.usage.cacheReadInputTokens).not.toBeNull();
    expect(records.every((r) => r.userId === 'user-42')).toBe(true);
  });

  it('AI SDK 7: invoke_agent -> step -> chat counts the chat spans only', () => {
    const records = normalized('vercel-ai-7.json');
    for (const r of records.filter((x) => /^(invoke_agent|step \d+)/.test(x.name))) {
      expect(r.llm?.usageCounted).toBe(false);
    }
    const chats = records.filter((r) => r.name.startsWith('chat '));
    for (const r of chats) expect(r.llm).toMatchObject({ usageCounted: true, provider: 'openai' });
    expect(chats.some((r) => r.llm?.usage.reasoningTokens !== null)).toBe(true);
    expect(records.every((r) => r.userId === 'user-42' && r.sessionId !== '')).toBe(true);
  });

  it('@opentelemetry/instrumentation-openai: content from log records, joined when read', () => {
    const records = normalized('otel-openai.json');
    const logs = load('otel-openai.logs.json') as unknown as {
      resourceLogs: Array<{ scopeLogs: Array<{ logRecords: GenAiLogRecord[] }> }>;
    };
    const logRecords = logs.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
    const chats = records
      .filter((r) => r.llm?.operation === 'chat')
      .map((r) => ({ r, m: messagesFromLogRecords(logRecords.filter((l) => l.spanId === r.spanId)) }));
    const chat = chats.find((c) => c.m.toolCalls.length)!;
    expect(chat.r.llm).toMatchObject({ convention: 'gen_ai', provider: 'openai', usageCounted: true });
    expect(chat.m.systemInstructions).toHaveLength(1);
    expect(chat.m.inputMessages.map((m) => m.role)).toEqual(['user']);
    expect(chat.m.toolCalls[0]?.name).toBe('get_weather');
    const followUp = chats.find((c) => c.m.inputMessages.some((m) => m.role === 'tool'))!;
    expect(followUp.m.inputMessages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(followUp.m.outputMessages[0]?.parts[0]?.type).toBe('text');
  });

  it('OpenLLMetry Python', () => {
    const records = normalized('python-openllmetry.json');
    const chat = records.find((r) => r.llm?.toolCalls.length)!;
    expect(chat.llm).toMatchObject({ convention: 'openllmetry', provider: 'openai', usageCounted: true });
    expect(chat.llm?.usage).toMatchObject({
      inputTokens: 35,
      outputTokens: 12,
      cacheReadInputTokens: 8,
      reasoningTokens: 3,
    });
  });

  it('OpenInference Python', () => {
    const records = normalized('python-openinference.json');
    const chat = records.find((r) => r.llm?.toolCalls.length)!;
    expect(chat.llm).toMatchObject({
      convention: 'openinference',
      responseModel: 'gpt-4o-mini',
      usageCounted: true,
    });
    expect(chat.llm?.inputMessages.map((m) => m.role)).toEqual(['user']);
  });

  it('OTel GenAI Python', () => {
    const records = normalized('python-otel-genai.json');
    const chat = records.find((r) => r.llm?.toolCalls.length)!;
    expect(chat.llm).toMatchObject({ convention: 'gen_ai', provider: 'openai', usageCounted: true });
    expect(chat.llm?.systemInstructions).toHaveLength(1);
  });
});
