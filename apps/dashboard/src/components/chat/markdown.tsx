import { Fragment, type ReactNode } from 'react';
import { stripBidiControls } from '../../lib/bidi';

/**
 * A small Markdown subset rendered to React elements: fenced code, headings, lists, paragraphs, inline code,
 * bold, italic and http(s)/mailto links. Everything from the trace becomes text nodes, never HTML, so a
 * `<script>` or an `onerror=` in a message is shown, not run.
 */
export function Markdown({ text: raw }: { text: string }) {
  // Bidi overrides in a message could reorder the page around it; the paragraphs are isolated in CSS too.
  const text = stripBidiControls(raw);
  const blocks: ReactNode[] = [];
  const parts = text.split(/^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/m);
  // split with 2 capture groups: [text, lang, code, text, lang, code, ..., text]
  for (let i = 0; i < parts.length; i += 3) {
    blocks.push(...proseBlocks(parts[i] ?? '', i));
    if (i + 2 < parts.length) {
      blocks.push(
        <pre key={`code-${i}`} className="code" data-lang={parts[i + 1]?.trim() || undefined}>
          <code>{(parts[i + 2] ?? '').replace(/\n$/, '')}</code>
        </pre>,
      );
    }
  }
  return <div className="markdown">{blocks}</div>;
}

function proseBlocks(text: string, keyBase: number): ReactNode[] {
  const out: ReactNode[] = [];
  text.split(/\n{2,}/).forEach((chunk, j) => {
    const lines = chunk.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) return;
    const key = `${keyBase}-${j}`;
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0]!);
    if (heading && lines.length === 1) {
      out.push(
        <p key={key} className={`md-h md-h${heading[1]!.length}`}>
          <strong>{inline(heading[2]!)}</strong>
        </p>,
      );
    } else if (lines.every((l) => /^\s*[-*+]\s+/.test(l))) {
      out.push(
        <ul key={key}>
          {lines.map((l, k) => (
            <li key={k}>{inline(l.replace(/^\s*[-*+]\s+/, ''))}</li>
          ))}
        </ul>,
      );
    } else if (lines.every((l) => /^\s*\d+[.)]\s+/.test(l))) {
      out.push(
        <ol key={key}>
          {lines.map((l, k) => (
            <li key={k}>{inline(l.replace(/^\s*\d+[.)]\s+/, ''))}</li>
          ))}
        </ol>,
      );
    } else {
      out.push(
        <p key={key}>
          {lines.map((l, k) => (
            <Fragment key={k}>
              {k > 0 ? <br /> : null}
              {inline(l)}
            </Fragment>
          ))}
        </p>,
      );
    }
  });
  return out;
}

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*)|(\[[^\]\n]+\]\([^)\s]+\))/g;

function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    const token = match[0];
    const key = `${index}`;
    if (token.startsWith('`')) out.push(<code key={key}>{token.slice(1, -1)}</code>);
    else if (token.startsWith('**')) out.push(<strong key={key}>{token.slice(2, -2)}</strong>);
    else if (token.startsWith('*')) out.push(<em key={key}>{token.slice(1, -1)}</em>);
    else out.push(link(token, key));
    last = index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function link(token: string, key: string): ReactNode {
  const m = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
  const href = m?.[2] ?? '';
  // Only plain web and mail links: javascript:, data: and the like stay text.
  if (!m || !/^(https?:\/\/|mailto:)/i.test(href)) return token;
  return (
    <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
      {m[1]}
    </a>
  );
}
