import { describe, expect, it } from 'vitest';
import { TURN_TEXT_MAX, turnTexts } from './turn-text.js';

const msg = (role: string, ...texts: string[]) => ({
  role,
  parts: texts.map((content) => ({ type: 'text', content })),
});

describe('turnTexts', () => {
  it('takes the last user message of the request and the first reply', () => {
    const input = JSON.stringify([
      msg('system', 'be brief'),
      msg('user', 'hi'),
      msg('assistant', 'hello'),
      msg('user', 'and now?'),
    ]);
    const output = JSON.stringify([
      msg('assistant', 'now this', 'and that'),
      msg('assistant', 'second choice'),
    ]);
    expect(turnTexts(input, output)).toEqual({ userText: 'and now?', assistantText: 'now this\nand that' });
  });
  it('is null for missing, broken or non-text messages, and cuts long text', () => {
    expect(turnTexts('', 'not json')).toEqual({ userText: null, assistantText: null });
    const toolOnly = JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', name: 'f' }] }]);
    expect(turnTexts(JSON.stringify([msg('user', 'x'.repeat(TURN_TEXT_MAX + 10))]), toolOnly)).toEqual({
      userText: `${'x'.repeat(TURN_TEXT_MAX)}…`,
      assistantText: null,
    });
  });
});
