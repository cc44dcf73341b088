import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChatView } from './chat-view';
import { COLLAPSE_AT } from './collapsible';
import { Markdown } from './markdown';

type ChatInput = Parameters<typeof ChatView>[0]['llm'];

function llm(partial: Partial<Record<keyof ChatInput, unknown>>): ChatInput {
  return {
    systemInstructions: [],
    inputMessages: [],
    outputMessages: [],
    toolCalls: [],
    ...partial,
  } as ChatInput;
}

const text = (content: unknown) => ({ type: 'text', content });

describe('ChatView', () => {
  it('renders system, user, assistant tool call and tool result', () => {
    const html = renderToString(
      <ChatView
        llm={llm({
          systemInstructions: [text('Be brief.')],
          inputMessages: [
            { role: 'user', parts: [text('Weather in **Paris**?')] },
            { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '{"temp":21}' }] },
          ],
          outputMessages: [
            {
              role: 'assistant',
              parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
            },
          ],
        })}
      />,
    );
    expect(html).toContain('System instructions');
    expect(html).toContain('<strong>Paris</strong>');
    expect(html).toContain('get_weather');
    expect(html).toContain('&quot;city&quot;: &quot;Paris&quot;');
    expect(html).toContain('tool result');
    expect(html).toContain('&quot;temp&quot;: 21');
  });

  it('keeps script tags, event handlers and javascript: links inert', () => {
    const hostile =
      '<script>alert(1)</script><img src=x onerror="alert(2)"> [click](javascript:alert(3)) <a href="x" onclick="y">a</a>';
    const html = renderToString(
      <ChatView
        llm={llm({
          inputMessages: [{ role: 'user', parts: [text(hostile)] }],
          outputMessages: [
            {
              role: '"><script>',
              parts: [{ type: 'tool_call', name: '<script>x</script>', arguments: hostile }],
            },
          ],
        })}
      />,
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    // No real tag (an unescaped "<") carries an event handler; the text shows them escaped.
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    expect(html).toContain('onerror=&quot;alert(2)&quot;');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders a 200 KB message collapsed', () => {
    const huge = 'lorem ipsum '.repeat(17_000);
    expect(huge.length).toBeGreaterThan(200_000);
    const html = renderToString(
      <ChatView llm={llm({ outputMessages: [{ role: 'assistant', parts: [text(huge)] }] })} />,
    );
    expect(html.length).toBeLessThan(COLLAPSE_AT + 5_000);
    expect(html).toMatch(/Show all \(\d+ KB\)/);
    expect(html).toContain('aria-expanded="false"');
  });

  it('does not crash on malformed parts and messages', () => {
    const html = renderToString(
      <ChatView
        llm={llm({
          systemInstructions: 'not an array',
          inputMessages: [
            null,
            'a string',
            { role: 42, parts: 'not an array' },
            {
              role: 'user',
              parts: [null, 7, 'bare', { type: 'text', content: { nested: true } }, { type: 'tool_call' }],
            },
            {
              role: 'user',
              parts: [{ type: 'tool_call_response' }, { type: 'blob' }, { type: 'weird', value: [1, 2] }, {}],
            },
          ],
          outputMessages: { not: 'an array' },
          toolCalls: [{ name: 'orphan_tool', arguments: '{' }],
        })}
      />,
    );
    expect(html).toContain('nested');
    expect(html).toContain('(unnamed)');
    expect(html).toContain('orphan_tool');
  });

  it('renders fenced code as text and shows an empty call plainly', () => {
    const code = renderToString(<Markdown text={'Run:\n```html\n<script>alert(1)</script>\n```\ndone'} />);
    expect(code).toContain(
      '<pre class="code" data-lang="html"><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>',
    );
    expect(renderToString(<ChatView llm={llm({})} />)).toContain('recorded no message content');
  });
});
