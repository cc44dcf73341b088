'use client';
import { Collapsible } from './collapsible';
import { Markdown } from './markdown';

/** Pretty JSON for arguments and results; a string that is JSON is parsed first, anything else shown as is. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : prettyJson(value);
}

/** One part of a message. Parts come from arbitrary instrumentation: every field is checked, never trusted. */
export function MessagePart({ part }: { part: unknown }) {
  if (!part || typeof part !== 'object') {
    return <Collapsible text={str(part)} render={(t) => <pre className="code">{t}</pre>} />;
  }
  const p = part as Record<string, unknown>;
  switch (p.type) {
    case 'text':
      return <Collapsible text={str(p.content)} render={(t) => <Markdown text={t} />} />;
    case 'reasoning':
      return (
        <details className="reasoning">
          <summary>Reasoning</summary>
          <Collapsible text={str(p.content)} render={(t) => <Markdown text={t} />} />
        </details>
      );
    case 'tool_call':
      return (
        <div className="tool-call">
          <p className="tool-head">
            <span className="badge tool">tool call</span> <code>{str(p.name) || '(unnamed)'}</code>
            {p.id ? <span className="muted small"> {str(p.id)}</span> : null}
          </p>
          {p.arguments !== undefined ? (
            <Collapsible text={prettyJson(p.arguments)} render={(t) => <pre className="code">{t}</pre>} />
          ) : null}
        </div>
      );
    case 'tool_call_response':
      return (
        <div className="tool-result">
          <p className="tool-head">
            <span className="badge tool">tool result</span>
            {p.id ? <span className="muted small"> {str(p.id)}</span> : null}
          </p>
          <Collapsible text={prettyJson(p.response)} render={(t) => <pre className="code">{t}</pre>} />
        </div>
      );
    case 'blob':
    case 'uri':
    case 'file':
      return (
        <p className="attachment">
          <span className="badge">{str(p.modality) || String(p.type)}</span> {str(p.mimeType)}{' '}
          {p.type === 'uri' ? (
            <code>{str(p.uri)}</code>
          ) : p.type === 'file' ? (
            <code>{str(p.fileId)}</code>
          ) : (
            `${str(p.content).length} characters`
          )}
        </p>
      );
    default:
      return (
        <Collapsible
          text={prettyJson('value' in p ? p.value : p)}
          render={(t) => <pre className="code">{t}</pre>}
        />
      );
  }
}
