import type {
  Attributes,
  OtlpScopeSpans,
  OtlpSpan,
  SpanKindName,
  SpanRecord,
  SpanStatus,
} from '@driftwatch/contracts';
import { str } from './attributes.js';
import { normalizeParentId } from './validate.js';

const KINDS: SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: SpanStatus[] = ['unset', 'ok', 'error'];

/** Client-supplied embedding vectors: large, not LLM content, and not worth storing as span attributes. */
const VECTOR_KEYS = /^(embedding\.embeddings\.\d+\.embedding\.vector|ai\.embeddings?)$/;
const CLIENT_VECTOR_KEY = /^embedding\.embeddings\.\d+\.embedding\.vector$/;

export function kindName(kind: number): SpanKindName {
  return KINDS[kind] ?? 'unspecified';
}

export function statusName(code: number): SpanStatus {
  return STATUSES[code] ?? 'unset';
}

/** The span fields of a record, everything but the LLM call and identity. */
export type BaseRecord = Omit<
  SpanRecord,
  'llm' | 'userId' | 'sessionId' | 'tags' | 'metadata' | 'promptName' | 'promptVersion'
>;

export function baseRecord(
  projectId: string,
  resource: Attributes,
  scope: OtlpScopeSpans['scope'],
  span: OtlpSpan,
): BaseRecord {
  return {
    projectId,
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: normalizeParentId(span.parentSpanId),
    name: span.name ?? '',
    kind: kindName(span.kind),
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    durationNs: Number(span.endTimeUnixNano - span.startTimeUnixNano),
    status: statusName(span.status?.code ?? 0),
    statusMessage: span.status?.message ?? '',
    serviceName: str(resource, 'service.name'),
    scopeName: scope?.name ?? '',
    scopeVersion: scope?.version ?? '',
    attributes: withoutVectors(span.attributes ?? {}),
    ...clientVectorsOf(span.attributes ?? {}),
    resource,
    events: (span.events ?? []).map((event) => ({
      name: event.name,
      timeUnixNano: event.timeUnixNano.toString(),
      attributes: event.attributes ?? {},
    })),
    release: str(resource, 'service.version'),
    environment: str(resource, 'deployment.environment.name', 'deployment.environment'),
  };
}

/** The client's vectors, their texts and model, for the embedding stage (OpenInference embedding spans). */
function clientVectorsOf(attrs: Attributes): { clientVectorAttributes?: Attributes } {
  const keys = Object.keys(attrs).filter((key) => CLIENT_VECTOR_KEY.test(key));
  if (keys.length === 0) return {};
  const kept: Attributes = {};
  for (const key of keys) kept[key] = attrs[key]!;
  for (const key of Object.keys(attrs)) {
    if (key === 'embedding.model_name' || /^embedding\.embeddings\.\d+\.embedding\.text$/.test(key)) {
      kept[key] = attrs[key]!;
    }
  }
  return { clientVectorAttributes: kept };
}

function withoutVectors(attrs: Attributes): Attributes {
  if (!Object.keys(attrs).some((key) => VECTOR_KEYS.test(key))) return attrs;
  return Object.fromEntries(Object.entries(attrs).filter(([key]) => !VECTOR_KEYS.test(key)));
}
