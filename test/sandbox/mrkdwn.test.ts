import { describe, expect, it } from 'vitest';
import { parseMrkdwn, plainText } from '../../src/sandbox/page/mrkdwn.js';

// The page renders these nodes as elements; text never becomes HTML.
describe('the sandbox page mrkdwn parser', () => {
  it('parses bold, italic, strike and code, nested, only at word boundaries', () => {
    expect(parseMrkdwn('*Approval* _needed_ ~old~ `code`')).toEqual([
      { t: 'bold', c: [{ t: 'text', v: 'Approval' }] },
      { t: 'text', v: ' ' },
      { t: 'italic', c: [{ t: 'text', v: 'needed' }] },
      { t: 'text', v: ' ' },
      { t: 'strike', c: [{ t: 'text', v: 'old' }] },
      { t: 'text', v: ' ' },
      { t: 'code', v: 'code' },
    ]);
    expect(parseMrkdwn('*SC-1 _due_*')).toEqual([
      {
        t: 'bold',
        c: [
          { t: 'text', v: 'SC-1 ' },
          { t: 'italic', c: [{ t: 'text', v: 'due' }] },
        ],
      },
    ]);
    expect(parseMrkdwn('snake_case_name and 2*3*4')).toEqual([
      { t: 'text', v: 'snake_case_name and 2*3*4' },
    ]);
    expect(parseMrkdwn('* not bold*')).toEqual([{ t: 'text', v: '* not bold*' }]);
  });

  it('keeps markup-looking text as text: entities decoded, no HTML', () => {
    const nodes = parseMrkdwn(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; <img src=x onerror=alert(1)>',
    );
    expect(nodes.every((n) => n.t === 'text')).toBe(true);
    expect(plainText(nodes)).toBe('<script>alert(1)</script> & img src=x onerror=alert(1)');
  });

  it('parses links, mentions and specials; unsafe link schemes stay text', () => {
    expect(
      parseMrkdwn('<https://example.com/a?b=1&amp;c=2|the docs> <javascript:alert(1)|click>'),
    ).toEqual([
      { t: 'link', url: 'https://example.com/a?b=1&c=2', c: [{ t: 'text', v: 'the docs' }] },
      { t: 'text', v: ' ' },
      { t: 'text', v: 'click' },
    ]);
    expect(
      parseMrkdwn('<@U0PART|pat> in <#C0GEN|general> <!here> <!date^1700000000^{date}|Nov 14>'),
    ).toEqual([
      { t: 'user', id: 'U0PART', label: 'pat' },
      { t: 'text', v: ' in ' },
      { t: 'channel', id: 'C0GEN', label: 'general' },
      { t: 'text', v: ' ' },
      { t: 'special', v: '@here' },
      { t: 'text', v: ' ' },
      { t: 'text', v: 'Nov 14' },
    ]);
  });

  it('parses line breaks, quotes and preformatted blocks (whose content is not parsed)', () => {
    expect(parseMrkdwn('one\n> quoted *a*\n> more\nafter')).toEqual([
      { t: 'text', v: 'one' },
      { t: 'br' },
      {
        t: 'quote',
        c: [
          { t: 'text', v: 'quoted ' },
          { t: 'bold', c: [{ t: 'text', v: 'a' }] },
          { t: 'br' },
          { t: 'text', v: 'more' },
        ],
      },
      { t: 'br' },
      { t: 'text', v: 'after' },
    ]);
    expect(parseMrkdwn('run:\n```\n*not bold* &lt;x&gt;\n```')).toEqual([
      { t: 'text', v: 'run:' },
      { t: 'br' },
      { t: 'pre', v: '*not bold* <x>\n' },
    ]);
  });
});
