/** Joins items as English prose: "A", "A and B", "A, B and C". */
export function joinAnd(items: readonly string[], conjunction = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Upper-cases the first character only. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** True when `text` has something other than whitespace. */
export function isPresent(text: string | undefined | null): text is string {
  return typeof text === 'string' && text.trim().length > 0;
}

/** The longest reason or note a decision takes (a rejection, a send-back, an approval note). */
export const REASON_MAX = 2000;

/** The refusal text for typed text over `max` characters. */
export function tooLongMessage(max: number, length: number): string {
  return `At most ${max} characters, please (this has ${length}).`;
}

/** How a typed field may be shaped: one line, or several (newlines and tabs kept). */
export type TextShape = 'line' | 'lines';

// C0 and C1 controls (NUL included: PostgreSQL refuses it in text and jsonb), DEL, and the
// invisible format characters that reorder or hide text: bidi embeddings, overrides and
// isolates, line/paragraph separators, the BOM. Lone surrogates cannot be stored as UTF-8.
const CONTROL = /(?![\n\t])\p{Cc}|[\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text a person typed, made safe to store and compare: line endings as `\n`, control and
 * invisible format characters removed, Unicode NFC, trimmed. A `line` also folds newlines and
 * tabs into single spaces; `lines` keeps them and drops trailing spaces on each line.
 */
export function cleanTypedText(text: string, shape: TextShape = 'line'): string {
  const unified = text
    .replace(/\r\n?/g, '\n')
    .replace(LONE_SURROGATE, '')
    .replace(CONTROL, '')
    .normalize('NFC');
  if (shape === 'line')
    return unified
      .replace(/[\n\t]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim();
  return unified
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}
