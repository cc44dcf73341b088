import { describe, expect, it } from 'vitest';
import { readIdentity } from './identity.js';
import { normalizeTraceRequest } from './normalize.js';
import { normalizeSpans, OTHER_TRACE_ID, request, sid, span } from './testing/otlp-builders.js';

describe('readIdentity', () => {
  it.each([
    [{ 'user.id': 'a' }, 'a'],
    [{ 'enduser.id': 'b' }, 'b'],
    [{ 'ai.telemetry.metadata.userId': 'c' }, 'c'],
    [{ 'traceloop.association.properties.user_id': 'd' }, 'd'],
    [{ 'traceloop.association.properties.userId': 'e' }, 'e'],
    [{ 'langfuse.user.id': 'f' }, 'f'],
    [{ 'user.id': 'first', 'enduser.id': 'second' }, 'first'],
  ])('reads the user id from %j', (attrs, userId) => {
    expect(readIdentity(attrs).userId).toBe(userId);
  });

  it.each([
    [{ 'session.id': 'a' }, 'a'],
    [{ 'gen_ai.conversation.id': 'b' }, 'b'],
    [{ 'ai.telemetry.metadata.sessionId': 'c' }, 'c'],
    [{ 'traceloop.association.properties.session_id': 'd' }, 'd'],
    [{ 'langfuse.session.id': 'e' }, 'e'],
    [{ 'gen_ai.conversation.id': 'conv', 'traceloop.association.properties.session_id': 'sess' }, 'sess'],
  ])('reads the session id from %j', (attrs, sessionId) => {
    expect(readIdentity(attrs).sessionId).toBe(sessionId);
  });

  it('merges tags from every convention without duplicates', () => {
    expect(
      readIdentity({
        'tag.tags': ['a', 'b'],
        'ai.telemetry.metadata.tags': '["b","c"]',
        'langfuse.trace.tags': 'd, e',
      }).tags,
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('reads prompt name and version from Langfuse, OpenInference, GenAI and AI SDK attributes', () => {
    expect(readIdentity({ 'langfuse.prompt.name': 'p', 'langfuse.prompt.version': 3 })).toMatchObject({
      promptName: 'p',
      promptVersion: '3',
    });
    expect(
      readIdentity({ 'llm.prompt_template.name': 'q', 'llm.prompt_template.version': 'v2' }),
    ).toMatchObject({
      promptName: 'q',
      promptVersion: 'v2',
    });
    expect(readIdentity({ 'gen_ai.prompt.name': 'r', 'gen_ai.prompt.version': '1' })).toMatchObject({
      promptName: 'r',
      promptVersion: '1',
    });
    expect(
      readIdentity({ 'ai.telemetry.metadata.promptName': 's', 'ai.telemetry.metadata.promptVersion': '9' }),
    ).toMatchObject({ promptName: 's', promptVersion: '9' });
  });

  it('keeps metadata values as strings and leaves identity keys out', () => {
    expect(
      readIdentity({
        metadata: '{"tenant":"acme","n":2,"flags":{"x":true},"user_id":"u"}',
        'ai.telemetry.metadata.userId': 'u',
        'ai.telemetry.metadata.feature': 'search',
        'traceloop.association.properties.region': 'eu',
      }).metadata,
    ).toEqual({ tenant: 'acme', n: '2', flags: '{"x":true}', feature: 'search', region: 'eu' });
  });

  it('ignores malformed OpenInference metadata', () => {
    expect(readIdentity({ metadata: '{not json' }).metadata).toEqual({});
  });
});

describe('identity propagation', () => {
  it('fills user and session from the nearest ancestor', () => {
    const records = normalizeSpans([
      span({ spanId: sid(1), attributes: { 'user.id': 'root-user', 'session.id': 'root-session' } }),
      span({ spanId: sid(2), parentSpanId: sid(1), attributes: { 'user.id': 'mid-user' } }),
      span({ spanId: sid(3), parentSpanId: sid(2) }),
    ]);
    expect(records.map((r) => r.userId)).toEqual(['root-user', 'mid-user', 'mid-user']);
    expect(records.map((r) => r.sessionId)).toEqual(['root-session', 'root-session', 'root-session']);
  });

  it('takes ids carried by a child for the rest of the trace when no ancestor has them', () => {
    const records = normalizeSpans([
      span({ spanId: sid(1), name: 'root' }),
      span({ spanId: sid(2), parentSpanId: sid(1), name: 'sibling' }),
      span({
        spanId: sid(3),
        parentSpanId: sid(1),
        name: 'llm',
        attributes: { 'traceloop.association.properties.user_id': 'u1', 'gen_ai.conversation.id': 'c1' },
      }),
    ]);
    expect(records.map((r) => [r.name, r.userId, r.sessionId])).toEqual([
      ['root', 'u1', 'c1'],
      ['sibling', 'u1', 'c1'],
      ['llm', 'u1', 'c1'],
    ]);
  });

  it('never leaks ids between traces', () => {
    const result = normalizeTraceRequest(
      request([
        span({ spanId: sid(1), attributes: { 'user.id': 'u1' } }),
        span({ traceId: OTHER_TRACE_ID, spanId: sid(2) }),
      ]),
      { projectId: 'p' },
    );
    expect(result.records.map((r) => r.userId)).toEqual(['u1', '']);
  });

  it('survives a parent cycle', () => {
    const records = normalizeSpans([
      span({ spanId: sid(1), parentSpanId: sid(2) }),
      span({ spanId: sid(2), parentSpanId: sid(1), attributes: { 'user.id': 'u' } }),
    ]);
    expect(records.map((r) => r.userId)).toEqual(['u', 'u']);
  });
});

describe('identity from AI SDK 7 and OpenAI user fields', () => {
  it('reads ai.settings.context user and session ids', () => {
    expect(
      readIdentity({ 'ai.settings.context.userId': 'u7', 'ai.settings.context.sessionId': 's7' }),
    ).toMatchObject({ userId: 'u7', sessionId: 's7' });
  });

  it('uses gen_ai.user only when nothing better is present', () => {
    expect(readIdentity({ 'gen_ai.user': 'openai-user' }).userId).toBe('openai-user');
    expect(readIdentity({ 'gen_ai.user': 'openai-user', 'user.id': 'real' }).userId).toBe('real');
  });
});
