import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextSpanProcessor, currentContext, withContext } from './context.js';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  spanProcessors: [new ContextSpanProcessor(), new SimpleSpanProcessor({ exporter })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracer = provider.getTracer('context-test');

afterAll(() => context.disable());

function attributesOf(name: string) {
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name}`);
  return span.attributes;
}

describe('withContext', () => {
  it('stamps user, session, tags, metadata and prompt on spans started inside, nested and after awaits', async () => {
    tracer.startSpan('outside').end();
    await withContext(
      {
        userId: 'user-1',
        sessionId: 'session-1',
        tags: ['beta'],
        metadata: { tenant: 'acme' },
        promptName: 'support-answer',
        promptVersion: '3',
      },
      async () => {
        await new Promise((r) => setTimeout(r, 5));
        tracer.startSpan('after-await').end();
        await withContext({ userId: 'user-2', tags: ['beta', 'vip'], metadata: { feature: 'refund' } }, () =>
          tracer.startActiveSpan('nested', (span) => {
            tracer.startSpan('child-of-nested').end();
            span.end();
          }),
        );
        tracer.startSpan('back-outside-nested').end();
      },
    );

    expect(attributesOf('outside')).toEqual({});
    expect(attributesOf('after-await')).toEqual({
      'user.id': 'user-1',
      'session.id': 'session-1',
      'tag.tags': ['beta'],
      metadata: '{"tenant":"acme"}',
      'llm.prompt_template.name': 'support-answer',
      'llm.prompt_template.version': '3',
    });
    for (const name of ['nested', 'child-of-nested']) {
      expect(attributesOf(name)).toMatchObject({
        'user.id': 'user-2',
        'session.id': 'session-1',
        'tag.tags': ['beta', 'vip'],
        metadata: '{"tenant":"acme","feature":"refund"}',
        'llm.prompt_template.name': 'support-answer',
      });
    }
    expect(attributesOf('back-outside-nested')['user.id']).toBe('user-1');
  });

  it('returns what the callback returns and exposes the current values', () => {
    const result = withContext({ sessionId: 's' }, () => currentContext());
    expect(result).toEqual({ sessionId: 's' });
    expect(currentContext()).toEqual({});
  });

  it('rejects values of the wrong type', () => {
    expect(() => withContext({ userId: 42 as unknown as string }, () => 0)).toThrow(
      /userId must be a string/,
    );
    expect(() => withContext({ tags: 'a' as unknown as string[] }, () => 0)).toThrow(/tags/);
    expect(() => withContext({ metadata: { a: 1 } as unknown as Record<string, string> }, () => 0)).toThrow(
      /metadata/,
    );
  });
});
