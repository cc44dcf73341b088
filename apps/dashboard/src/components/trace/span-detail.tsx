'use client';
import { useState } from 'react';
import type { SpanView } from '../../lib/api';
import { formatCost, formatCount, formatMs, formatTime } from '../../lib/format';
import { ChatView } from '../chat/chat-view';
import { EstimatedMark } from '../estimated-mark';
import { PartBoundary } from '../chat/part-boundary';
import { UserText } from '../user-text';
import { CopyButton } from '../copy-button';
import { SPAN_KIND_LABEL, spanKindOf } from './span-kind';

/** The selected span: for an LLM call its figures and conversation; for any span its raw attributes. */
export function SpanDetail({ span }: { span: SpanView }) {
  const kind = spanKindOf(span);
  // A tool span has no model figures or conversation: its arguments and result are what a reader needs.
  const llm = kind === 'tool' ? null : span.llm;
  return (
    <section className="span-detail card" aria-label={`Span ${span.name}`}>
      <header className="span-head">
        <h2 className="ellipsis">
          <UserText text={span.name} />
        </h2>
        <span className={`badge ${span.status === 'unset' ? '' : span.status}`}>{span.status}</span>
        <span className="mono small muted">{span.spanId}</span>
        <CopyButton text={span.spanId} label="span id" />
      </header>
      {span.statusMessage ? <p className="form-error">{span.statusMessage}</p> : null}
      <dl className="facts">
        <Fact label="Started" value={formatTime(span.startTime)} />
        <Fact label="Latency" value={formatMs(span.durationMs)} />
        <Fact label="Kind" value={`${SPAN_KIND_LABEL[kind].label} (${span.kind})`} />
        {llm ? (
          <>
            <Fact label="Model" value={llm.responseModel || llm.requestModel || '—'} />
            <Fact label="Provider" value={llm.provider || '—'} />
            <Fact label="Operation" value={llm.operation || '—'} />
            <Fact label="Finish reason" value={llm.finishReasons.join(', ') || '—'} />
            <Fact
              label="Input tokens"
              value={formatCount(llm.usage.inputTokens)}
              estimated={llm.usage.estimated}
            />
            <Fact label="Cached tokens" value={formatCount(llm.usage.cacheReadInputTokens)} />
            <Fact
              label="Output tokens"
              value={formatCount(llm.usage.outputTokens)}
              estimated={llm.usage.estimated}
            />
            <Fact label="Reasoning tokens" value={formatCount(llm.usage.reasoningTokens)} />
            <Fact label="Cost" value={formatCost(llm.costUsd)} estimated={llm.usage.estimated} />
            {llm.usageCounted ? null : (
              <Fact label="In trace totals" value="no (repeats the usage of the calls below)" />
            )}
          </>
        ) : null}
      </dl>
      {kind === 'tool' ? <ToolCall span={span} /> : null}
      {llm ? (
        <PartBoundary>
          <ChatView llm={llm} />
        </PartBoundary>
      ) : null}
      <RawPanel title="Attributes" value={span.attributes} />
      <RawPanel title="Resource" value={span.resource} />
    </section>
  );
}

/** A tool span: its name, call id, arguments and result, from the GenAI tool attributes. */
function ToolCall({ span }: { span: SpanView }) {
  const a = span.attributes;
  const text = (v: unknown) =>
    v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v : JSON.stringify(v);
  const pretty = (v: string | null) => {
    if (v === null) return null;
    try {
      return JSON.stringify(JSON.parse(v), null, 2);
    } catch {
      return v;
    }
  };
  const args = pretty(text(a['gen_ai.tool.call.arguments'] ?? a['input.value']));
  const result = pretty(text(a['gen_ai.tool.call.result'] ?? a['output.value']));
  return (
    <section className="tool-detail" aria-label="Tool call">
      <dl className="facts">
        <Fact label="Tool" value={text(a['gen_ai.tool.name'] ?? a['tool.name']) ?? '—'} />
        <Fact label="Call id" value={text(a['gen_ai.tool.call.id']) ?? '—'} />
      </dl>
      <h3 className="small muted">Arguments</h3>
      {args ? <pre className="code">{args}</pre> : <p className="muted small">Not recorded on this span.</p>}
      <h3 className="small muted">Result</h3>
      {result ? (
        <pre className="code">{result}</pre>
      ) : (
        <p className="muted small">Not recorded on this span.</p>
      )}
    </section>
  );
}

function Fact({ label, value, estimated }: { label: string; value: string; estimated?: boolean }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>
        {value}
        {estimated ? <EstimatedMark /> : null}
      </dd>
    </div>
  );
}

/** Closed by default; the JSON is only built and rendered once opened (attributes can be large). */
function RawPanel({ title, value }: { title: string; value: unknown }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="raw" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        {title} <span className="muted small">({Object.keys((value as object) ?? {}).length})</span>
      </summary>
      {open ? <pre className="code">{JSON.stringify(value, null, 2)}</pre> : null}
    </details>
  );
}
