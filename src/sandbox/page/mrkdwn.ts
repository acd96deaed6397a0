/**
 * Slack's mrkdwn as a tree of nodes, for the page to render as elements (never as HTML):
 * *bold*, _italic_, ~strike~, `code`, ```preformatted```, > quotes, <url|links>, <@U…> user
 * and <#C…> channel mentions, <!here>-style specials, <!date^…|fallback>, and the three
 * entities Slack escapes (&amp; &lt; &gt;). Pure: no DOM, so it is tested under Node.
 */
export type MrkdwnNode =
  | { t: 'text'; v: string }
  | { t: 'bold' | 'italic' | 'strike'; c: MrkdwnNode[] }
  | { t: 'code'; v: string }
  | { t: 'pre'; v: string }
  | { t: 'quote'; c: MrkdwnNode[] }
  | { t: 'link'; url: string; c: MrkdwnNode[] }
  | { t: 'user'; id: string; label?: string }
  | { t: 'channel'; id: string; label?: string }
  | { t: 'special'; v: string }
  | { t: 'br' };

const MARKS: Record<string, 'bold' | 'italic' | 'strike'> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
};

/** Only these schemes become links; anything else stays text (no javascript: URLs). */
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Parses mrkdwn text into nodes. */
export function parseMrkdwn(source: string): MrkdwnNode[] {
  const out: MrkdwnNode[] = [];
  // Preformatted blocks first: their content is not parsed.
  const parts = source.split(/```/);
  parts.forEach((part, index) => {
    const isPre = index % 2 === 1 && index < parts.length - 1;
    if (isPre) {
      out.push({ t: 'pre', v: decodeEntities(part.replace(/^\n/, '')) });
    } else {
      const text = index % 2 === 1 ? `\`\`\`${part}` : part;
      out.push(...parseLines(text));
    }
  });
  return trimBreaks(out);
}

function parseLines(text: string): MrkdwnNode[] {
  const out: MrkdwnNode[] = [];
  const lines = text.split('\n');
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length === 0) return;
    out.push({ t: 'quote', c: joinLines(quote.map(parseInline)) });
    out.push({ t: 'br' });
    quote = [];
  };
  lines.forEach((line, i) => {
    const quoted = /^(>|&gt;) ?(.*)$/.exec(line);
    if (quoted) {
      quote.push(quoted[2] ?? '');
      return;
    }
    flushQuote();
    out.push(...parseInline(line));
    if (i < lines.length - 1) out.push({ t: 'br' });
  });
  flushQuote();
  return out;
}

function joinLines(lines: MrkdwnNode[][]): MrkdwnNode[] {
  return lines.flatMap((nodes, i) => (i === 0 ? nodes : [{ t: 'br' } as MrkdwnNode, ...nodes]));
}

function trimBreaks(nodes: MrkdwnNode[]): MrkdwnNode[] {
  const out = [...nodes];
  while (out.at(-1)?.t === 'br') out.pop();
  return out;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/** Inline formatting of one line. */
export function parseInline(text: string): MrkdwnNode[] {
  const out: MrkdwnNode[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ t: 'text', v: decodeEntities(buffer) });
    buffer = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '<') {
      const end = text.indexOf('>', i + 1);
      if (end > i + 1) {
        flush();
        out.push(angle(text.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    }
    if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ t: 'code', v: decodeEntities(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    const mark = MARKS[ch];
    if (mark && !isWordChar(text[i - 1]) && text[i + 1] !== undefined && text[i + 1] !== ' ') {
      const end = closingMark(text, ch, i + 1);
      if (end > 0) {
        flush();
        out.push({ t: mark, c: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    buffer += ch;
    i += 1;
  }
  flush();
  return out;
}

function closingMark(text: string, mark: string, from: number): number {
  for (let j = from + 1; j < text.length; j += 1) {
    if (text[j] === '<') {
      const end = text.indexOf('>', j + 1);
      if (end > j) j = end;
      continue;
    }
    if (text[j] === mark && text[j - 1] !== ' ' && !isWordChar(text[j + 1])) return j;
  }
  // A one-character span such as *a*.
  return -1;
}

function angle(inner: string): MrkdwnNode {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? decodeEntities(inner.slice(bar + 1)) : undefined;
  if (target.startsWith('@'))
    return { t: 'user', id: target.slice(1), ...(label ? { label } : {}) };
  if (target.startsWith('#')) {
    return { t: 'channel', id: target.slice(1), ...(label ? { label } : {}) };
  }
  if (target.startsWith('!')) {
    const word = target.slice(1);
    if (word.startsWith('date^')) return { t: 'text', v: label ?? word };
    if (word.startsWith('subteam^')) return { t: 'special', v: label ?? '@group' };
    return { t: 'special', v: `@${label ?? word}` };
  }
  const url = decodeEntities(target);
  if (SAFE_URL.test(url)) return { t: 'link', url, c: [{ t: 'text', v: label ?? url }] };
  return { t: 'text', v: label ?? url };
}

/** The text a person reads, without formatting (for titles and plain places). */
export function plainText(nodes: MrkdwnNode[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
        case 'code':
        case 'pre':
        case 'special':
          return n.v;
        case 'br':
          return '\n';
        case 'user':
          return `@${n.label ?? n.id}`;
        case 'channel':
          return `#${n.label ?? n.id}`;
        default:
          return plainText(n.c);
      }
    })
    .join('');
}
