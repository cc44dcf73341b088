import { randomBytes } from 'node:crypto';
import type { LlmCall, SpanRecord } from '@driftwatch/contracts';

export function randomTraceId(): string {
  return randomBytes(16).toString('hex');
}

export function randomSpanId(): string {
  return randomBytes(8).toString('hex');
}

/** Nanoseconds since the epoch as decimal text, `msAgo` before now. */
export function nanosAgo(msAgo: number): string {
  return (BigInt(Date.now() - msAgo) * 1_000_000n + 123_456n).toString();
}

export function llmCall(overrides: Partial<LlmCall> = {}): LlmCall {
  return {
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Can you help me with my order?' }] }],
    outputMessages: [
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Of course, which order?' }],
        finishReason: 'stop',
      },
    ],
    systemInstructions: [{ type: 'text', content: 'You are a support agent.' }],
    toolCalls: [],
    finishReasons: ['stop'],
    usage: {
      inputTokens: 100,
      outputTokens: 20,
      cacheReadInputTokens: null,
      cacheWriteInputTokens: null,
      reasoningTokens: null,
      totalTokens: 120,
      estimated: false,
    },
    usageCounted: true,
    costUsd: 0.000027,
    convention: 'gen_ai',
    ...overrides,
  };
}

/** A complete canonical span; start defaults to one minute ago, duration 250 ms. */
export function spanRecord(overrides: Partial<SpanRecord> = {}): SpanRecord {
  const start = overrides.startTimeUnixNano ?? nanosAgo(60_000);
  const durationNs = overrides.durationNs ?? 250_000_000;
  return {
    projectId: 'project-a',
    traceId: randomTraceId(),
    spanId: randomSpanId(),
    parentSpanId: '',
    name: 'chat gpt-4o-mini',
    kind: 'client',
    startTimeUnixNano: start,
    endTimeUnixNano: (BigInt(start) + BigInt(durationNs)).toString(),
    durationNs,
    status: 'unset',
    statusMessage: '',
    serviceName: 'support-bot',
    scopeName: 'test',
    scopeVersion: '1.0.0',
    attributes: { 'gen_ai.operation.name': 'chat' },
    resource: { 'service.name': 'support-bot' },
    events: [],
    llm: llmCall(),
    userId: 'user-1',
    sessionId: 'session-1',
    tags: [],
    metadata: {},
    promptName: '',
    promptVersion: '',
    release: '2.3.0',
    environment: 'production',
    ...overrides,
  };
}
