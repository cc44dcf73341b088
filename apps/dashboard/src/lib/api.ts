'use client';
import type { z } from 'zod';
import type {
  ApiKey,
  CreatedApiKey,
  MeResponse,
  Project,
  User,
  metricsSummarySchema,
  spanViewSchema,
  traceCountSchema,
  traceDetailSchema,
  traceListPageSchema,
  traceSummarySchema,
  TopicCallList,
  TopicDetail,
  TopicLabels,
  TopicList,
  TopicMap,
  SimilarCalls,
} from '@driftwatch/api-schema';

// Response types come from the shared schemas (type-only: nothing of the library is bundled).
export type TraceListPage = z.infer<typeof traceListPageSchema>;
export type TraceCount = z.infer<typeof traceCountSchema>;
export type TraceSummary = z.infer<typeof traceSummarySchema>;
export type TraceDetail = z.infer<typeof traceDetailSchema>;
export type SpanView = z.infer<typeof spanViewSchema>;
export type LlmView = NonNullable<SpanView['llm']>;
export type MetricsSummary = z.infer<typeof metricsSummarySchema>;
export type { ApiKey, CreatedApiKey, MeResponse, Project, User };
export type { SimilarCalls, TopicCallList, TopicDetail, TopicLabels, TopicList, TopicMap };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const PROJECT_KEY = 'driftwatch.project';

export function currentProject(): string | null {
  if (typeof window === 'undefined') return null;
  return window.localStorage.getItem(PROJECT_KEY);
}

export function setCurrentProject(id: string): void {
  window.localStorage.setItem(PROJECT_KEY, id);
}

const ME_KEY = 'driftwatch.me';

/** The last /api/auth/me answer (no secrets: email, role, project names); cleared on sign-out and on 401. */
export function cachedMe(): MeResponse | null {
  try {
    return JSON.parse(window.localStorage.getItem(ME_KEY) ?? 'null') as MeResponse | null;
  } catch {
    return null;
  }
}

export function rememberMe(me: MeResponse | null): void {
  if (me) window.localStorage.setItem(ME_KEY, JSON.stringify(me));
  else window.localStorage.removeItem(ME_KEY);
}

/** Same-origin call to the REST API (proxied by Next); the session cookie rides along automatically. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const project = currentProject();
  if (project) headers['x-driftwatch-project'] = project;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : null;
  if (!response.ok) {
    const message =
      data && typeof data === 'object' && 'message' in data
        ? String(data.message)
        : `HTTP ${response.status}`;
    if (response.status === 401 && !path.startsWith('/api/auth/') && typeof window !== 'undefined') {
      window.location.assign(
        `/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
      );
    }
    throw new ApiError(response.status, message);
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
